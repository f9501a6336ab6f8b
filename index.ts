// Entry point for the Pulumi CLI and the offline plan: Pulumi calls the exported function and uses what it
// returns as the stack outputs.
import { platformProgram } from "./program/program";

export = platformProgram;
