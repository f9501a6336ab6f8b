// The sections of the `platform:*` namespace and the PlatformConfig type they parse into: on their own so that the
// cross-field rules (rules*.ts) and the parser (index.ts) share them without importing each other.
import { z } from "zod";
import type { Environment } from "./common";
import { databaseSchema, kubernetesSchema, networkSchema, redisSchema } from "./data";
import { backupsSchema, jobsSchema, workersSchema } from "./workloads";
import { alertsSchema, drSchema, maintenanceSchema } from "./operations";
import { tenantsSchema } from "./tenants";
import { monitoringSchema } from "./monitoring";
import { TenancyRole, tenancySchema } from "./tenancy";

/**
 * Every section of the `platform:*` namespace, its schema for an environment, and whether the stack needs it.
 * Production requires the data tier and its operations, except in a tenant shard (`platform:tenancy.role: shard`),
 * which holds tenants on another stack's data tier and takes defaults for the sections it reads.
 */
export function sectionSchemas(env: Environment, role: TenancyRole = "single") {
  const req = env === "production" && role !== "shard";
  return {
    tenancy: { schema: tenancySchema, required: false },
    network: { schema: networkSchema, required: role !== "shard" },
    kubernetes: { schema: kubernetesSchema.prefault({}), required: false },
    database: { schema: req ? databaseSchema(env) : databaseSchema(env).prefault({}), required: req },
    redis: { schema: req ? redisSchema(env) : redisSchema(env).prefault({}), required: req },
    workers: { schema: req ? workersSchema : workersSchema.default({}), required: req },
    jobs: { schema: jobsSchema(env).prefault({}), required: false },
    backups: { schema: req ? backupsSchema(env) : backupsSchema(env).prefault({}), required: req },
    alerts: { schema: alertsSchema(env).prefault({}), required: false },
    monitoring: { schema: monitoringSchema, required: false },
    dr: { schema: req ? drSchema(env) : drSchema(env).optional(), required: req },
    maintenance: { schema: maintenanceSchema, required: false },
    tenants: { schema: tenantsSchema, required: false },
  } satisfies Record<string, { schema: z.ZodType; required: boolean }>;
}

type Sections = ReturnType<typeof sectionSchemas>;
export type PlatformConfig = { [K in keyof Sections]: z.output<Sections[K]["schema"]> } & {
  environment: Environment;
  /** The stack's AWS region (`aws:region`). */
  region: string;
};
export type TenantConfig = PlatformConfig["tenants"][number];
export type WorkerPoolConfig = PlatformConfig["workers"][string];
// Named section types: components take the section they implement by name, never PlatformConfig (docs/architecture.md).
export type NetworkConfig = PlatformConfig["network"];
export type DatabaseConfig = PlatformConfig["database"];
export type RedisConfig = PlatformConfig["redis"];
export type JobsConfig = PlatformConfig["jobs"];
export type AlertsConfig = PlatformConfig["alerts"];
