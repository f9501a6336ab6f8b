// .ci/deps.sh decides what .ci/run installs. It runs here against fake roots that look like the two machines CI
// meets: Debian 12 (this one: PostgreSQL 15, an `awscli` package) and GitHub's ubuntu-24.04 image (PostgreSQL 16
// preinstalled, AWS CLI v2 in /usr/local/bin from AWS's installer — actions/runner-images
// images/ubuntu/scripts/build/install-aws-tools.sh — and no `awscli` package in the archive). The fake apt-cache
// answers `policy <pkg>` in apt's own format (a "Candidate:" line; nothing at all for an unknown package).
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../helpers/render";

const DEPS = join(PROJECT_ROOT, ".ci/deps.sh");
const work = mkdtempSync(join(tmpdir(), "ci-deps-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Packages with an install candidate in each archive (packages.debian.org bookworm; packages.ubuntu.com noble). */
const ARCHIVES = {
  debian12: {
    id: "debian",
    version: "12",
    packages: ["postgresql", "redis-server", "prometheus", "awscli", "shellcheck", "jq", "yamllint"],
  },
  ubuntu2404: {
    id: "ubuntu",
    version: "24.04",
    packages: ["postgresql", "redis-server", "prometheus", "shellcheck", "jq", "yamllint"],
  },
};

let roots = 0;
function fakeRoot(archive: keyof typeof ARCHIVES, files: string[]): { root: string; aptCache: string } {
  const { id, version, packages } = ARCHIVES[archive];
  const root = join(work, `root-${++roots}`);
  const executable = (path: string, text = "#!/bin/sh\nexit 0\n") => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
    chmodSync(join(root, path), 0o755);
  };
  mkdirSync(join(root, "etc"), { recursive: true });
  writeFileSync(join(root, "etc/os-release"), `PRETTY_NAME="${id} ${version}"\nID=${id}\nVERSION_ID="${version}"\n`);
  for (const file of files) executable(file);
  const aptCache = join(root, "fake-apt-cache");
  executable(
    "fake-apt-cache",
    `#!/bin/sh\n[ "$1" = policy ] || exit 100\ncase " ${packages.join(" ")} " in\n` +
      `  *" $2 "*) printf '%s:\\n  Installed: (none)\\n  Candidate: 1.0-1\\n  Version table:\\n' "$2" ;;\nesac\n`,
  );
  return { root, aptCache };
}

function deps(mode: string, { root, aptCache }: { root: string; aptCache: string }) {
  const result = spawnSync("bash", [DEPS, mode], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, DEPS_ROOT: root, APT_CACHE: aptCache },
  });
  return { status: result.status, lines: result.stdout.split("\n").filter(Boolean), stderr: result.stderr };
}

const POSTGRES = (major: number) =>
  ["postgres", "initdb", "pg_ctl"].map((bin) => `usr/lib/postgresql/${major}/bin/${bin}`);

describe(".ci/deps.sh (what .ci/run installs)", () => {
  it("on a bare Debian 12 installs every tool from Debian's own package names", () => {
    const root = fakeRoot("debian12", []);
    expect(deps("missing", root).lines).toEqual([
      "postgres",
      "redis-server",
      "promtool",
      "aws",
      "shellcheck",
      "jq",
      "yamllint",
    ]);
    expect(deps("packages", root)).toMatchObject({
      status: 0,
      lines: ["postgresql", "redis-server", "prometheus", "awscli", "shellcheck", "jq", "yamllint"],
    });
  });

  it("on Debian 12 with PostgreSQL 15 and Debian's aws installs only what is missing", () => {
    const root = fakeRoot("debian12", [...POSTGRES(15), "usr/bin/aws", "usr/bin/redis-server", "usr/bin/jq"]);
    expect(deps("packages", root).lines).toEqual(["prometheus", "shellcheck", "yamllint"]);
    expect(deps("env", root).lines).toEqual([
      `PG_BIN_DIR=${root.root}/usr/lib/postgresql/15/bin`,
      `AWS_CLI=${root.root}/usr/bin/aws`,
    ]);
  });

  it("on GitHub's Ubuntu 24.04 finds PostgreSQL 16 and /usr/local/bin/aws, and never asks for awscli", () => {
    const root = fakeRoot("ubuntu2404", [
      ...POSTGRES(16),
      "usr/local/bin/aws",
      "usr/bin/shellcheck",
      "usr/bin/jq",
      "usr/bin/yamllint",
    ]);
    expect(deps("missing", root).lines).toEqual(["redis-server", "promtool"]);
    expect(deps("packages", root)).toMatchObject({ status: 0, lines: ["redis-server", "prometheus"] });
    expect(deps("env", root).lines).toEqual([
      `PG_BIN_DIR=${root.root}/usr/lib/postgresql/16/bin`,
      `AWS_CLI=${root.root}/usr/local/bin/aws`,
    ]);
  });

  it("picks the newest PostgreSQL major that has all the server binaries", () => {
    const root = fakeRoot("ubuntu2404", [...POSTGRES(15), ...POSTGRES(16), "usr/lib/postgresql/17/bin/psql"]);
    expect(deps("env", root).lines[0]).toBe(`PG_BIN_DIR=${root.root}/usr/lib/postgresql/16/bin`);
    expect(deps("missing", root).lines).not.toContain("postgres");
  });

  it("fails with one clear line when Ubuntu 24.04 has no package for a missing aws", () => {
    const root = fakeRoot("ubuntu2404", [...POSTGRES(16)]);
    const result = deps("packages", root);
    expect(result.status).toBe(1);
    expect(result.lines).toEqual(["redis-server", "prometheus"]);
    const stderr = result.stderr.trim().split("\n");
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(
      /^deps: aws is missing and ubuntu 24\.04 has no installable package for it \(awscli\): .*AWS CLI v2/,
    );
  });

  it("installs nothing when everything is present", () => {
    const root = fakeRoot("ubuntu2404", [
      ...POSTGRES(16),
      ...["redis-server", "promtool", "aws", "shellcheck", "jq", "yamllint"].map((tool) => `usr/bin/${tool}`),
    ]);
    expect(deps("missing", root).lines).toEqual([]);
    expect(deps("packages", root)).toMatchObject({ status: 0, lines: [] });
  });
});
