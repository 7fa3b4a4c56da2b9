// CPU time (and resident memory) of the processes this driver started (workerd under
// Miniflare), read from /proc. CPU per operation barely depends on what else the machine does,
// unlike rate and latency.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined; // The process exited between listing and reading.
  }
}

/** Every live descendant of `rootPid`, found through the ppid chains in /proc. */
export function descendantPids(rootPid = process.pid) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (!fields) continue;
    const ppid = Number(fields[1]); // field 4 of stat
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(Number(entry));
  }
  const found = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** utime + stime (all threads) of `pids`, in milliseconds. Resolution is one clock tick (10 ms). */
export function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const fields = statFields(pid);
    if (fields) ticks += Number(fields[11]) + Number(fields[12]); // fields 14 and 15 of stat
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** Resident set size (VmRSS) of `pids` together, in bytes. */
export function rssBytes(pids) {
  let kib = 0;
  for (const pid of pids) {
    try {
      kib += Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // The process exited.
    }
  }
  return kib * 1024;
}

/** The command name of a pid, for checking that what we measure is workerd. */
export function commandName(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "?";
  }
}

/** CPU time the whole machine spent busy (all cores, from /proc/stat), in milliseconds. */
export function machineBusyMs() {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return ((user + nice + system + irq + softirq + steal) * 1000) / TICKS_PER_SECOND;
}

/** CPU time of this Node process (the driver), in milliseconds. */
export function driverCpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
