// The provider's Read functions (cyrilgdn/terraform-provider-postgresql) for the resources postgres-sql.ts applies:
// what a refresh sees, compared with the plan's inputs the way the engine diffs them (`ignoreChanges` honoured).
import type { RecordedResource } from "@platform/offline-plan";
import { DATABASE, type Drift, GRANT, GRANT_ROLE, type Inputs, ROLE, SCHEMA, Session } from "./postgres-session";

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

/** The provider's Read of a resource, compared with its inputs (the fields the project sets). */
export async function readBack(s: Session, r: RecordedResource, i: Inputs): Promise<Drift[]> {
  const drift: Drift[] = [];
  const differs = (field: string, desired: unknown, actual: unknown, same = desired === actual) => {
    if (!same && !r.ignoreChanges?.includes(field)) drift.push({ resource: r.name, field, desired, actual });
  };
  switch (r.type) {
    case ROLE: {
      // `resourcePostgreSQLRoleReadImpl`: attributes, and every role it is a member of as `roles`.
      const [row] = await s.exec(
        `SELECT ARRAY(SELECT pg_get_userbyid(roleid) FROM pg_catalog.pg_auth_members members WHERE member = pg_roles.oid)::text[] AS roles,
                rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolconnlimit
           FROM pg_catalog.pg_roles WHERE rolname = $1`,
        [i.name],
      );
      if (!row) return [{ resource: r.name, field: "(exists)", desired: true, actual: false }];
      differs("login", i.login ?? false, row.rolcanlogin);
      differs("connectionLimit", i.connectionLimit ?? -1, row.rolconnlimit);
      differs("superuser", i.superuser ?? false, row.rolsuper);
      differs("createDatabase", i.createDatabase ?? false, row.rolcreatedb);
      differs("createRole", i.createRole ?? false, row.rolcreaterole);
      differs("inherit", i.inherit ?? true, row.rolinherit);
      differs("roles", [], row.roles, sameSet([], row.roles as string[]));
      break;
    }
    case DATABASE: {
      // `resourcePostgreSQLDatabaseReadImpl`
      const [row] = await s.exec(
        "SELECT pg_catalog.pg_get_userbyid(d.datdba) AS owner, d.datconnlimit, d.datallowconn FROM pg_database d WHERE datname = $1",
        [i.name],
      );
      if (!row) return [{ resource: r.name, field: "(exists)", desired: true, actual: false }];
      differs("owner", i.owner ?? s.login, row.owner);
      differs("connectionLimit", i.connectionLimit ?? -1, row.datconnlimit);
      differs("allowConnections", i.allowConnections !== false, row.datallowconn);
      break;
    }
    case SCHEMA: {
      // `resourcePostgreSQLSchemaReadImpl` (in the schema's database)
      const rows = await s.exec(
        "SELECT pg_catalog.pg_get_userbyid(n.nspowner) AS owner FROM pg_catalog.pg_namespace n WHERE n.nspname = $1",
        [i.name],
      );
      if (rows.length === 0) return [{ resource: r.name, field: "(exists)", desired: true, actual: false }];
      if (i.owner) differs("owner", i.owner, rows[0].owner);
      break;
    }
    case GRANT: {
      // `readDatabaseRolePrivileges` / `readSchemaRolePrivileges`: aclexplode of the object's ACL for the role's
      // OID (0 for PUBLIC, `getRoleOID`), compared as a set (`resourcePrivilegesEqual`).
      const oid =
        i.role === "public"
          ? 0
          : Number((await s.exec("SELECT oid FROM pg_roles WHERE rolname = $1", [i.role]))[0].oid);
      const [row] =
        i.objectType === "database"
          ? await s.exec(
              "SELECT array_agg(privilege_type) AS p FROM (SELECT (aclexplode(datacl)).* FROM pg_database WHERE datname=$1) AS privileges WHERE grantee = $2",
              [i.database, oid],
            )
          : await s.exec(
              "SELECT array_agg(privilege_type) AS p FROM (SELECT (aclexplode(nspacl)).* FROM pg_namespace WHERE nspname=$1) AS privileges WHERE grantee = $2",
              [i.schema, oid],
            );
      const granted = ((row.p ?? []) as string[]).sort();
      differs("privileges", i.privileges, granted, sameSet(i.privileges, granted));
      break;
    }
    case GRANT_ROLE: {
      // `readGrantRole`: the first pg_auth_members row of (member, role); ForceNew on every field.
      const rows = await s.exec(
        "SELECT pg_get_userbyid(member) AS role, pg_get_userbyid(roleid) AS grant_role, admin_option FROM pg_auth_members WHERE pg_get_userbyid(member) = $1 AND pg_get_userbyid(roleid) = $2",
        [i.role, i.grantRole],
      );
      if (rows.length === 0) return [{ resource: r.name, field: "(exists)", desired: true, actual: false }];
      differs("withAdminOption", i.withAdminOption ?? false, rows[0].admin_option);
      break;
    }
  }
  return drift;
}
