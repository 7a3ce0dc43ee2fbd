// Limits of the tests. Every one is a guard against a hang, never a performance budget: a test waits on a
// state (a job's state, a request received, a process exited), and a limit only says how long to keep
// waiting before calling it a hang. They are sized for a loaded 2-core machine (CI runs the whole suite
// there, with two test files at once and each marsad child process starting a Node of its own), where
// something that takes 50 ms on an idle machine can take seconds. A passing test never waits them out.

/** A state that normally comes within milliseconds (a job moved, a record updated, a request received). */
export const WAIT_MS = 20_000;

/** One `marsad` child process, from start to exit (it loads the whole app: about 1 s of CPU). */
export const PROCESS_MS = 120_000;

/** Documents or deliveries through the pipeline (seedDocuments, pollFeedsOnce, deliverSeedAlerts). */
export const PIPELINE_MS = 120_000;

/** A test of real processes, or of several steps that each wait on a state. */
export const SLOW_TEST_MS = 300_000;

/** How often vi.waitFor checks a state again. */
export const INTERVAL_MS = 25;
