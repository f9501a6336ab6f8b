// Alert routing reaches someone: the receivers the AlertmanagerConfig routes to exist once each and are not the
// drop-everything receiver, and the backup-stale alert is not due before the next backup could have run.
import { ConfigProblem, showValue } from "./errors";
import { longestIntervalMinutes } from "./common";
import { promDurationMs } from "./operations";
import { ParsedSections, key } from "./rules-common";

/** The receiver with no integrations that drops what is routed to it (components/alerts/routing.ts NULL_RECEIVER). */
export const NULL_RECEIVER_NAME = "none";

export function alertingProblems({ alerts, backups }: ParsedSections): ConfigProblem[] {
  if (!alerts) return [];
  const problems: ConfigProblem[] = [];
  const { pagingReceiver, chatReceiver } = alerts.routing;
  // prometheus/alertmanager config/config.go (Config.UnmarshalYAML): `notification config name %q is not unique` —
  // the AlertmanagerConfig always holds the null receiver "none" beside the paging and chat receivers.
  for (const [field, name] of [
    ["pagingReceiver", pagingReceiver],
    ["chatReceiver", chatReceiver],
  ] as const) {
    if (name === NULL_RECEIVER_NAME)
      problems.push({
        key: key("alerts", "routing", field),
        value: showValue(name),
        message: `"${NULL_RECEIVER_NAME}" is the receiver that drops alerts (it has no integrations): alerts routed there reach no one, and a second receiver of that name is refused by Alertmanager ("notification config name is not unique"); choose another name`,
      });
  }
  if (pagingReceiver === chatReceiver && pagingReceiver !== NULL_RECEIVER_NAME)
    problems.push({
      key: key("alerts", "routing", "chatReceiver"),
      value: showValue(chatReceiver),
      message: `must differ from pagingReceiver ("${pagingReceiver}"): Alertmanager refuses two receivers of one name ("notification config name is not unique", config/config.go), and critical and warning alerts go to different integrations`,
    });
  // config/config.go (Route.UnmarshalYAML): "group_interval cannot be zero", "repeat_interval cannot be zero".
  for (const field of ["groupInterval", "repeatInterval"] as const) {
    if (promDurationMs(alerts.routing[field]) === 0)
      problems.push({
        key: key("alerts", "routing", field),
        value: showValue(alerts.routing[field]),
        message: `must be above zero: Alertmanager refuses a zero ${field === "groupInterval" ? "group_interval" : "repeat_interval"} (config/config.go)`,
      });
  }
  if (backups) {
    const gapHours = longestIntervalMinutes(backups.schedule) / 60;
    if (alerts.backupStaleHours <= gapHours)
      problems.push({
        key: key("alerts", "backupStaleHours"),
        value: String(alerts.backupStaleHours),
        message: `must exceed the longest gap between two runs of platform:backups.schedule "${backups.schedule}" (${gapHours} h) plus the time a backup takes, else the alert fires before every backup; e.g. ${Math.ceil(gapHours + 2)}`,
      });
  }
  return problems;
}
