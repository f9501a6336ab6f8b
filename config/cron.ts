// The cron dialect Kubernetes runs CronJobs with, ported so config validation judges schedules as the cluster does.
// The API server validates `spec.schedule` with robfig/cron v3's `cron.ParseStandard` and refuses any "TZ" in it
// (kubernetes/kubernetes pkg/apis/batch/validation/validation.go, validateScheduleFormat); the CronJob controller
// computes run times with the same library's `Schedule.Next`. This file follows robfig/cron v3.0.1
// (github.com/robfig/cron, parser.go: Parse, normalizeFields, getField, getRange, parseIntOrName, mustParseInt,
// getBits, parseDescriptor; spec.go: bounds, SpecSchedule.Next, dayMatches; constantdelay.go: Every), in UTC (the
// controller's zone when a CronJob sets no timeZone — the platform sets none).

/** A parsed schedule: the next run strictly after `after`, or undefined when none falls within five years. */
export interface CronSchedule {
  next(after: Date): Date | undefined;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

// spec.go: the bounds of each field. Day-of-week is 0–6 (Sunday = 0); 7 is out of range.
const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** A field's allowed values; `star` records a `*` or `?` (spec.go starBit), which changes how days match. */
interface FieldSet {
  values: Set<number>;
  star: boolean;
}

class CronSyntaxError extends Error {}

/** parser.go mustParseInt: Go's strconv.Atoi (optional sign, decimal digits, 64-bit range), then not negative. */
function mustParseInt(expr: string): number {
  if (!/^[+-]?[0-9]+$/.test(expr) || !Number.isSafeInteger(Number(expr)))
    throw new CronSyntaxError(`failed to parse int from ${expr}`);
  const num = Number(expr);
  if (num < 0) throw new CronSyntaxError(`negative number (${num}) not allowed: ${expr}`);
  return num;
}

/** parser.go parseIntOrName: a name (case-insensitive) where the field has names, else an integer. */
function parseIntOrName(expr: string, names?: Record<string, number>): number {
  const named = names && Object.hasOwn(names, expr.toLowerCase()) ? names[expr.toLowerCase()] : undefined;
  return named ?? mustParseInt(expr);
}

/** parser.go getRange: `*` | `?` | number ["-" number] ["/" step]; "N/step" means N through the maximum. */
function getRange(expr: string, r: Bounds, into: FieldSet) {
  const rangeAndStep = expr.split("/");
  const lowAndHigh = rangeAndStep[0].split("-");
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") {
    // As upstream: after `*` or `?` anything following a "-" is ignored ("*-5" is "*").
    [start, end, star] = [r.min, r.max, true];
  } else {
    start = parseIntOrName(lowAndHigh[0], r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], r.names);
    else throw new CronSyntaxError(`too many hyphens: ${expr}`);
  }
  let step: number;
  if (rangeAndStep.length === 1) step = 1;
  else if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]);
    if (singleDigit) end = r.max;
    if (step > 1) star = false;
  } else throw new CronSyntaxError(`too many slashes: ${expr}`);
  if (start < r.min) throw new CronSyntaxError(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new CronSyntaxError(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new CronSyntaxError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronSyntaxError(`step of range should be a positive number: ${expr}`);
  for (let i = start; i <= end; i += step) into.values.add(i);
  into.star ||= star;
}

/** parser.go getField: a comma-separated list of ranges; empty items are skipped (strings.FieldsFunc). */
function getField(field: string, r: Bounds): FieldSet {
  const set: FieldSet = { values: new Set(), star: false };
  for (const expr of field.split(",").filter((s) => s !== "")) getRange(expr, r, set);
  return set;
}

const all = (r: Bounds): FieldSet => {
  const values = new Set<number>();
  for (let i = r.min; i <= r.max; i++) values.add(i);
  return { values, star: true };
};
const only = (value: number): FieldSet => ({ values: new Set([value]), star: false });

interface Spec {
  minute: FieldSet;
  hour: FieldSet;
  dom: FieldSet;
  month: FieldSet;
  dow: FieldSet;
}

/** parser.go parseDescriptor: the named schedules ParseStandard accepts (seconds are always 0). */
function parseDescriptor(descriptor: string): CronSchedule {
  const at = (spec: Spec) => specSchedule(spec);
  switch (descriptor) {
    case "@yearly":
    case "@annually":
      return at({ minute: only(0), hour: only(0), dom: only(1), month: only(1), dow: all(DOW) });
    case "@monthly":
      return at({ minute: only(0), hour: only(0), dom: only(1), month: all(MONTHS), dow: all(DOW) });
    case "@weekly":
      return at({ minute: only(0), hour: only(0), dom: all(DOM), month: all(MONTHS), dow: only(0) });
    case "@daily":
    case "@midnight":
      return at({ minute: only(0), hour: only(0), dom: all(DOM), month: all(MONTHS), dow: all(DOW) });
    case "@hourly":
      return at({ minute: only(0), hour: all(HOURS), dom: all(DOM), month: all(MONTHS), dow: all(DOW) });
  }
  const every = "@every ";
  if (descriptor.startsWith(every)) {
    const ms = parseGoDuration(descriptor.slice(every.length));
    if (ms === undefined) throw new CronSyntaxError(`failed to parse duration ${descriptor}`);
    // constantdelay.go Every: below one second becomes one second, else truncated to whole seconds; Next rounds
    // the start down to the second and adds the delay.
    const delay = ms < 1000 ? 1000 : ms - (ms % 1000);
    return { next: (after) => new Date(after.getTime() - (after.getTime() % 1000) + delay) };
  }
  throw new CronSyntaxError(`unrecognized descriptor: ${descriptor}`);
}

/** Go's time.ParseDuration: [-+]? then one or more decimal numbers with units ns, us, µs, μs, ms, s, m, h. */
function parseGoDuration(text: string): number | undefined {
  const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6 };
  const match = /^([-+]?)((?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+)$/u.exec(text);
  if (!match) return text === "0" ? 0 : undefined;
  let total = 0;
  for (const part of match[2].matchAll(/([0-9]*\.?[0-9]*)(ns|us|µs|μs|ms|s|m|h)/gu)) {
    total += Number(part[1]) * unitMs[part[2]];
  }
  return match[1] === "-" ? -total : total;
}

/**
 * robfig/cron's ParseStandard as the Kubernetes API server applies it: five fields (minute hour day-of-month month
 * day-of-week) or a descriptor (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every <duration>),
 * and no "TZ" anywhere (the timeZone field exists for that). Throws an Error with upstream's message when refused.
 */
export function parseCronSchedule(spec: string): CronSchedule {
  if (spec.includes("TZ"))
    throw new CronSyntaxError("cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
  if (spec.length === 0) throw new CronSyntaxError("empty spec string");
  if (spec.startsWith("@")) return parseDescriptor(spec);
  // strings.Fields: split on Unicode white space.
  const fields = spec.split(/\s+/u).filter((f) => f !== "");
  if (fields.length !== 5)
    throw new CronSyntaxError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`);
  return specSchedule({
    minute: getField(fields[0], MINUTES),
    hour: getField(fields[1], HOURS),
    dom: getField(fields[2], DOM),
    month: getField(fields[3], MONTHS),
    dow: getField(fields[4], DOW),
  });
}

/** spec.go dayMatches: with a `*` in either day field both must match, else either one suffices. */
function dayMatches(s: Spec, t: Date): boolean {
  const domMatch = s.dom.values.has(t.getUTCDate());
  const dowMatch = s.dow.values.has(t.getUTCDay());
  return s.dom.star || s.dow.star ? domMatch && dowMatch : domMatch || dowMatch;
}

const utc = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(Date.UTC(y, mo, d, h, mi));

/** spec.go SpecSchedule.Next, in UTC, at minute granularity (the standard parser fixes seconds at 0). */
function specSchedule(s: Spec): CronSchedule {
  return {
    next(after: Date): Date | undefined {
      // The earliest possible time: the upcoming second, then (seconds = {0}) the upcoming whole minute.
      let t = new Date(after.getTime() - (after.getTime() % 1000) + 1000);
      if (t.getUTCSeconds() !== 0) t = new Date(t.getTime() - t.getUTCSeconds() * 1000 + 60_000);
      let added = false;
      const yearLimit = t.getUTCFullYear() + 5;
      wrap: for (;;) {
        if (t.getUTCFullYear() > yearLimit) return undefined;
        while (!s.month.values.has(t.getUTCMonth() + 1)) {
          if (!added) {
            added = true;
            t = utc(t.getUTCFullYear(), t.getUTCMonth(), 1);
          }
          t = utc(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes());
          if (t.getUTCMonth() === 0) continue wrap;
        }
        while (!dayMatches(s, t)) {
          if (!added) {
            added = true;
            t = utc(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());
          }
          t = utc(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() + 1, t.getUTCHours(), t.getUTCMinutes());
          if (t.getUTCDate() === 1) continue wrap;
        }
        while (!s.hour.values.has(t.getUTCHours())) {
          if (!added) {
            added = true;
            t = utc(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), t.getUTCHours());
          }
          t = new Date(t.getTime() + 3_600_000);
          if (t.getUTCHours() === 0) continue wrap;
        }
        while (!s.minute.values.has(t.getUTCMinutes())) {
          added = true;
          t = new Date(t.getTime() + 60_000);
          if (t.getUTCMinutes() === 0) continue wrap;
        }
        return t;
      }
    },
  };
}

/** Why the CronJob controller would refuse or never run a schedule, or undefined when it runs. */
export function cronScheduleProblem(spec: string, now = new Date()): string | undefined {
  let schedule: CronSchedule;
  try {
    schedule = parseCronSchedule(spec);
  } catch (error) {
    if (!(error instanceof CronSyntaxError)) throw error;
    return `not a schedule the Kubernetes CronJob controller accepts (robfig/cron standard parser): ${error.message}. Five fields "minute hour day-of-month month day-of-week" (day-of-week 0–6, Sunday = 0; names jan–dec, sun–sat; *, ?, ",", "-", "/"; no L, W or #), or @hourly, @daily, @weekly, @monthly, @yearly, @every <duration>`;
  }
  // robfig's Next returns the zero time when nothing matches within five years: the CronJob would never run.
  if (schedule.next(now) === undefined)
    return "never fires: no minute matches it within five years (e.g. day 31 of a month that has 30 days or fewer)";
  return undefined;
}
