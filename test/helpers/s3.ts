/**
 * A local S3-compatible server (s3rver, in-process) for integration tests: 127.0.0.1, a free port, a temp
 * directory, the given buckets created. Works with `aws --endpoint-url` (path-style) and @aws-sdk/client-s3.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
// s3rver ships no typings.
const S3rver = require("s3rver") as S3rverClass;

export interface S3Server {
  /** `http://127.0.0.1:<port>`: pass as `--endpoint-url` / `AWS_ENDPOINT_URL`. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /**
   * Environment for the AWS CLI against this server: credentials, region, no user config files, no pager.
   * `home` is a writable directory for the CLI's cache.
   */
  awsEnv(home: string): Record<string, string>;
  stop(): Promise<void>;
}

/** The AWS CLI to use in tests: `AWS_CLI`, else Debian's `/usr/bin/aws`; throws clearly when missing. */
export function awsCliPath(): string {
  const path = process.env.AWS_CLI ?? "/usr/bin/aws";
  if (!existsSync(path))
    throw new Error(`AWS CLI not found at ${path}: install the Debian package "awscli" or set AWS_CLI`);
  return path;
}

export async function startS3(buckets: string[]): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), "platform-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  // s3rver accepts these fixed credentials.
  const accessKeyId = "S3RVER";
  const secretAccessKey = "S3RVER";
  const region = "us-east-1";
  return {
    endpoint,
    region,
    accessKeyId,
    secretAccessKey,
    awsEnv: (home) => ({
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_DEFAULT_REGION: region,
      AWS_CONFIG_FILE: join(home, "aws-config-none"),
      AWS_SHARED_CREDENTIALS_FILE: join(home, "aws-credentials-none"),
      AWS_PAGER: "",
      AWS_EC2_METADATA_DISABLED: "true",
      HOME: home,
    }),
    stop: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
