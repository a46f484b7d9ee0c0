// One chdb session (ClickHouse's engine in process, npm package chdb) driven over stdin/stdout by the
// tests (support/Chdb.java): each input line is {"sql": "...", "format": "TabSeparated"}, each output
// line {"ok": true, "out": "..."} or {"ok": false, "error": "Code: N. DB::Exception: ..."}.
// Usage: node session.js <chdb module dir> <session data dir>
const path = require("path");
const readline = require("readline");
const { Session } = require(path.join(process.argv[2], "node_modules", "chdb"));
const session = new Session(process.argv[3]);
const rl = readline.createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
rl.on("line", (line) => {
  let answer;
  try {
    const req = JSON.parse(line);
    const out = session.query(req.sql, req.format || "TabSeparated");
    answer = { ok: true, out: out === undefined || out === null ? "" : String(out) };
  } catch (e) {
    answer = { ok: false, error: String(e && e.message ? e.message : e).replace(/^Query failed: /, "") };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
rl.on("close", () => {
  try {
    session.close();
  } catch (e) {
    // the process ends anyway
  }
  process.exit(0);
});
