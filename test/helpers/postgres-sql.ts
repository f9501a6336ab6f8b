// Translates the postgresql resources a plan records into the SQL @pulumi/postgresql (terraform-provider-postgresql)
// issues for them, so integration tests can apply exactly what the plan says to a real server. Small on purpose:
// it knows the inputs the project uses and throws on any other, so a new input cannot be silently ignored.
import type { RecordedResource } from "@platform/offline-plan";

export interface SqlStep {
  /** The recorded resource the statements come from. */
  resource: string;
  type: string;
  /** Database to run in. */
  database: string;
  statements: string[];
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

const ORDER = [
  "postgresql:index/role:Role",
  "postgresql:index/database:Database",
  "postgresql:index/schema:Schema",
  "postgresql:index/grant:Grant",
];
const KNOWN: Record<string, string[]> = {
  "postgresql:index/role:Role": [
    "name",
    "login",
    "connectionLimit",
    "password",
    "createDatabase",
    "createRole",
    "superuser",
  ],
  "postgresql:index/database:Database": [
    "name",
    "owner",
    "template",
    "encoding",
    "connectionLimit",
    "allowConnections",
  ],
  "postgresql:index/schema:Schema": ["name", "database", "owner", "dropCascade"],
  "postgresql:index/grant:Grant": ["database", "schema", "role", "objectType", "privileges"],
};

function inputsOf(r: RecordedResource): Record<string, any> {
  const inputs = r.revealedInputs ?? r.inputs;
  const unknown = Object.keys(inputs).filter((k) => !KNOWN[r.type]?.includes(k));
  if (!KNOWN[r.type]) throw new Error(`postgres-sql: no translation for ${r.type} (${r.name})`);
  if (unknown.length > 0)
    throw new Error(`postgres-sql: ${r.type} ${r.name} has inputs the translator does not know: ${unknown.join(", ")}`);
  if (JSON.stringify(inputs).includes("[secret]"))
    throw new Error(`postgres-sql: ${r.name} has redacted inputs; render with revealSecrets`);
  return inputs;
}

function role(i: Record<string, any>): string[] {
  const options = [
    i.login ? "LOGIN" : "NOLOGIN",
    i.superuser ? "SUPERUSER" : "NOSUPERUSER",
    i.createDatabase ? "CREATEDB" : "NOCREATEDB",
    i.createRole ? "CREATEROLE" : "NOCREATEROLE",
    `CONNECTION LIMIT ${i.connectionLimit ?? -1}`,
  ];
  if (i.password) options.push(`PASSWORD ${quoteLiteral(i.password)}`);
  return [`CREATE ROLE ${quoteIdent(i.name)} WITH ${options.join(" ")}`];
}

function database(i: Record<string, any>): string[] {
  const options: string[] = [];
  if (i.owner) options.push(`OWNER ${quoteIdent(i.owner)}`);
  if (i.template) options.push(`TEMPLATE ${quoteIdent(i.template)}`);
  if (i.encoding) options.push(`ENCODING ${quoteLiteral(i.encoding)}`);
  options.push(`CONNECTION LIMIT ${i.connectionLimit ?? -1}`, `ALLOW_CONNECTIONS ${i.allowConnections !== false}`);
  return [`CREATE DATABASE ${quoteIdent(i.name)} WITH ${options.join(" ")}`];
}

/** The provider revokes everything the role holds on the object, then grants the listed privileges (none: revoke only). */
function grant(i: Record<string, any>): string[] {
  const on =
    i.objectType === "database"
      ? `DATABASE ${quoteIdent(i.database)}`
      : i.objectType === "schema"
        ? `SCHEMA ${quoteIdent(i.schema)}`
        : undefined;
  if (!on) throw new Error(`postgres-sql: grant objectType ${i.objectType} is not translated`);
  const statements = [`REVOKE ALL PRIVILEGES ON ${on} FROM ${quoteIdent(i.role)}`];
  if (i.privileges.length > 0) statements.push(`GRANT ${i.privileges.join(",")} ON ${on} TO ${quoteIdent(i.role)}`);
  return statements;
}

/**
 * The SQL of every recorded postgresql resource, in the order the engine creates them (roles, databases, schemas,
 * grants; recorded order within a kind). Databases are created from `adminDatabase`; schemas and grants run in
 * their own database.
 */
export function postgresSqlSteps(resources: readonly RecordedResource[], adminDatabase = "postgres"): SqlStep[] {
  const relevant = resources.filter((r) => r.type.startsWith("postgresql:") && r.custom);
  const unknownTypes = relevant.filter((r) => !ORDER.includes(r.type));
  if (unknownTypes.length > 0)
    throw new Error(`postgres-sql: no translation for ${unknownTypes.map((r) => `${r.type} (${r.name})`).join(", ")}`);
  return ORDER.flatMap((type) =>
    relevant
      .filter((r) => r.type === type)
      .map((r): SqlStep => {
        const i = inputsOf(r);
        switch (type) {
          case "postgresql:index/role:Role":
            return { resource: r.name, type, database: adminDatabase, statements: role(i) };
          case "postgresql:index/database:Database":
            return { resource: r.name, type, database: adminDatabase, statements: database(i) };
          case "postgresql:index/schema:Schema":
            return {
              resource: r.name,
              type,
              database: i.database,
              statements: [`CREATE SCHEMA ${quoteIdent(i.name)} AUTHORIZATION ${quoteIdent(i.owner)}`],
            };
          default:
            return { resource: r.name, type, database: i.database, statements: grant(i) };
        }
      }),
  );
}
