// What postgres-sql.ts (the provider's writes) and postgres-sql-read.ts (its reads) share: the resource types, a
// logging connection, and the shapes they report.
import type { Client } from "pg";

export const ROLE = "postgresql:index/role:Role";
export const DATABASE = "postgresql:index/database:Database";
export const SCHEMA = "postgresql:index/schema:Schema";
export const GRANT = "postgresql:index/grant:Grant";
export const GRANT_ROLE = "postgresql:index/grantRole:GrantRole";
export const PROVIDER = "pulumi:providers:postgresql";

/** One statement the emulated provider ran: as whom, where, and the warnings PostgreSQL answered with. */
export interface Executed {
  resource: string;
  login: string;
  database: string;
  sql: string;
  warnings: string[];
}

/** A difference between what the plan asks for and what the provider reads back: `pulumi up` would act on it. */
export interface Drift {
  resource: string;
  field: string;
  desired: unknown;
  actual: unknown;
}

export type Inputs = Record<string, any>;

/** A provider connection: a pg client that logs every statement and the WARNINGs it drew. */
export class Session {
  constructor(
    readonly client: Client,
    private readonly log: Executed[],
    private readonly resource: string,
    readonly login: string,
    readonly database: string,
  ) {}

  async exec(sql: string, params?: unknown[]) {
    const warnings: string[] = [];
    const onNotice = (notice: { severity?: string; message?: string }) => {
      if (notice.severity === "WARNING") warnings.push(notice.message ?? "");
    };
    this.client.on("notice", onNotice);
    try {
      const result = await this.client.query(sql, params);
      // Notices arrive before the command completes; give the event loop one turn to deliver them.
      await new Promise((resolve) => setImmediate(resolve));
      this.log.push({ resource: this.resource, login: this.login, database: this.database, sql, warnings });
      return result.rows as Record<string, any>[];
    } finally {
      this.client.removeListener("notice", onNotice);
    }
  }
}
