/**
 * A PostgreSQL server bootstrapped the way Amazon RDS for PostgreSQL is, so integration tests see what RDS allows:
 * the master user is `LOGIN NOSUPERUSER INHERIT CREATEDB CREATEROLE NOREPLICATION VALID UNTIL 'infinity'` and a member
 * of `rds_superuser` (AWS docs, "Understanding the rds_superuser role":
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.rds_superuser.html).
 * `rds_superuser` holds what that page lists for it that PostgreSQL can express here: it can see and end every
 * session (pg_monitor, pg_signal_backend, grantable). After the bootstrap the superuser's password is removed
 * (test/helpers/postgres.ts): no test can act as a superuser, as nobody can on RDS.
 */
import { Client } from "pg";
import { Login, PostgresServer, startPostgres } from "./postgres";
import { quoteIdent, quoteLiteral } from "./postgres-sql";

export const RDS_SUPERUSER_ROLE = "rds_superuser";

export interface StartRdsPostgresOptions {
  /** "16" (production's engine, the default) or "15" (what Debian's pg_dump can dump). */
  version?: "15" | "16";
  /** The master login, as the plan's instance and admin provider hold it. */
  master: Login;
}

/** Starts a throw-away server bootstrapped like RDS; its default login is the master. */
export function startRdsPostgres(options: StartRdsPostgresOptions): Promise<PostgresServer> {
  const { master } = options;
  return startPostgres({
    version: options.version,
    bootstrap: async (superuser: Client) => {
      await superuser.query(`CREATE ROLE ${RDS_SUPERUSER_ROLE} NOLOGIN`);
      await superuser.query(`GRANT pg_monitor, pg_signal_backend TO ${RDS_SUPERUSER_ROLE} WITH ADMIN OPTION`);
      await superuser.query(
        `CREATE ROLE ${quoteIdent(master.user)} WITH LOGIN NOSUPERUSER INHERIT CREATEDB CREATEROLE NOREPLICATION ` +
          `PASSWORD ${quoteLiteral(master.password)} VALID UNTIL 'infinity'`,
      );
      await superuser.query(`GRANT ${RDS_SUPERUSER_ROLE} TO ${quoteIdent(master.user)}`);
      return master;
    },
  });
}
