// Preloaded (`node -r`) into benchmark children: on exit, writes the process's peak RSS and CPU time to the file
// named by BENCH_USAGE_FILE, so the benchmark measures the whole process without an external `time` binary.
const { writeFileSync } = require("node:fs");
const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        maxRssKb: usage.maxRSS,
        userMs: usage.userCPUTime / 1000,
        systemMs: usage.systemCPUTime / 1000,
        uptimeMs: process.uptime() * 1000,
      }),
    );
  });
}
