/**
 * A counterexample as one self-contained HTML file (`--replay FILE --format
 * html`): the threads as lanes, the steps in time order, the failing step
 * marked, and beside the steps the state after the selected one (the rmap
 * chains and sptes as memory holds them, and the model's view of them: the
 * subject's Snapshot). Click a step, or use the arrow keys, to move. No
 * network, no external file: styles, script and data are inline.
 *
 * The states are learnt by replaying the schedule once with a scheduler that
 * takes a snapshot before every step it hands out.
 */
import { ReplayScheduler } from "../../runtime/schedulers/replay";
import { runThreads } from "../../runtime/run";
import type { Decision, Scheduler } from "../../runtime/scheduler";
import type { Thread } from "../../runtime/thread";
import type { Snapshot, Variant } from "../subject";
import type { Counterexample } from "./counterexample";
import { threadNames } from "./threads";

const EMPTY: Snapshot = { rmaps: [], sptes: [], model: [] };

/** The state before the first step and after each step of the schedule (as far as the replay got). */
export function snapshots(cx: Counterexample, variant: Variant): Snapshot[] {
  const built = variant.subject.build(cx.trace, variant, { tso: cx.tso ?? false, full: false });
  const snap = (): Snapshot => built.snapshot?.() ?? EMPTY;
  built.machine.observers.push(built.checker);
  const out: Snapshot[] = [];
  try {
    built.setup();
  } catch {
    return [snap()];
  }
  built.machine.stepIndex = 0;
  const replay = new ReplayScheduler(cx.schedule);
  const taking: Scheduler = {
    name: "replay",
    pick(d: Decision): Thread {
      out.push(snap());
      return replay.pick(d);
    },
  };
  try {
    runThreads(built.machine, taking, cx.schedule.length + 1, () => built.checker.atQuiescence());
  } catch {
    // A replay that diverges still gave the states before it.
  }
  out.push(snap());
  return out;
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function formatHtml(cx: Counterexample, variant: Variant, replay: string): string {
  const t = cx.trace;
  const names = threadNames(t, variant.subject);
  const lanes = Array.from({ length: names.all }, (_, i) => i).filter((c) => cx.schedule.some((s) => names.column(s.thread) === c));
  const data = {
    lanes: lanes.map((c) => names.header(c)),
    steps: cx.schedule.map((s, i) => ({ lane: lanes.indexOf(names.column(s.thread)), label: s.label, failed: cx.failedAt === i })),
    states: snapshots(cx, variant),
    failedAt: cx.failedAt,
  };
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  const ops = t.threads.map((th, i) => th.ops.length === 0 ? "" : `<li><b>${esc(names.header(i))}</b> ${esc(th.ops.map((o) => variant.subject.opText(o)).join("; "))}</li>`).join("");
  const title = `VIOLATION of ${cx.violation.invariant}: design ${t.design}${cx.mutant ? `, mutant ${cx.mutant}` : ""}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:13px/1.35 ui-monospace,Menlo,Consolas,monospace;margin:0;color:#1b1b1b}
header{padding:10px 14px;background:#f3f3f3;border-bottom:1px solid #ccc}
h1{font-size:15px;margin:0 0 4px}
header ul{margin:4px 0;padding-left:18px}
main{display:flex;height:calc(100vh - 150px);min-height:420px}
#steps{overflow:auto;flex:3;border-right:1px solid #ccc}
#state{overflow:auto;flex:2;padding:6px 12px}
table{border-collapse:collapse;width:100%}
th{position:sticky;top:0;background:#fff;border-bottom:2px solid #999;text-align:left;padding:3px 6px}
td{padding:2px 6px;border-bottom:1px solid #eee;vertical-align:top;white-space:nowrap}
td.n{color:#777;text-align:right}
tr.sel td{background:#dbe9ff}
tr.fail td.on{background:#ffd6d6;font-weight:bold}
tr.sel.fail td.on{background:#ffb3b3}
h2{font-size:13px;margin:10px 0 3px;border-bottom:1px solid #ddd}
#state div{white-space:pre-wrap}
.hint{color:#666}
</style></head><body>
<header><h1>${esc(title)}</h1><div>${esc(cx.violation.detail)}</div>
<ul>${ops}</ul><div class="hint">click a step or use the arrow keys (up/down, left/right) &middot; replay: ${esc(replay)}</div></header>
<main><div id="steps"><table id="grid"></table></div><div id="state"></div></main>
<script id="data" type="application/json">${json}</script>
<script>
(function(){
var d=JSON.parse(document.getElementById("data").textContent);
var grid=document.getElementById("grid"),state=document.getElementById("state");
var head="<tr><th>step</th>"+d.lanes.map(function(l){return "<th>"+esc(l)+"</th>";}).join("")+"</tr>";
var rows=d.steps.map(function(s,i){
  var cells=d.lanes.map(function(_,k){return k===s.lane?'<td class="on">'+esc(s.label)+(s.failed?" &larr; VIOLATION":"")+"</td>":"<td></td>";}).join("");
  return '<tr data-i="'+i+'" class="'+(s.failed?"fail":"")+'"><td class="n">'+(s.failed?"&gt;&gt;":"")+(i+1)+"</td>"+cells+"</tr>";
});
grid.innerHTML=head+rows.join("");
function esc(s){return String(s).replace(/&/g,"&amp;").replace(/</g,"&lt;").replace(/>/g,"&gt;");}
function list(t,xs){return "<h2>"+t+"</h2><div>"+(xs.length?xs.map(esc).join("\\n"):"(none)")+"</div>";}
var cur=-1;
function select(i){
  if(i<0||i>=d.steps.length)return;
  if(cur>=0)grid.rows[cur+1].classList.remove("sel");
  cur=i;var r=grid.rows[i+1];r.classList.add("sel");r.scrollIntoView({block:"nearest"});
  var st=d.states[Math.min(i+1,d.states.length-1)];
  state.innerHTML="<b>after step "+(i+1)+"</b>: "+esc(d.steps[i].label)+list("rmap chains (memory)",st.rmaps)+list("sptes (memory)",st.sptes)+list("the model's view (abstraction)",st.model);
  state.setAttribute("data-step",String(i+1));
}
grid.addEventListener("click",function(e){var r=e.target.closest("tr[data-i]");if(r)select(Number(r.getAttribute("data-i")));});
document.addEventListener("keydown",function(e){
  if(e.key==="ArrowDown"||e.key==="ArrowRight"){select(cur+1);e.preventDefault();}
  if(e.key==="ArrowUp"||e.key==="ArrowLeft"){select(cur-1);e.preventDefault();}
});
select(d.failedAt===null?d.steps.length-1:d.failedAt);
})();
</script></body></html>
`;
}
