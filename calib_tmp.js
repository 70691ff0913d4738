process.hrtime.bigint = () => { const u = process.cpuUsage(); return BigInt(u.user + u.system) * 1000n; };
const c=require('./dist/checker');
const v=c.resolveVariant('v3-fixed',null);
// calibration: engine features the checker leans on, none of its code
class Obj { constructor(a,b){this.a=a;this.b=b;this.c=null;} }
function* leaf(n){let x=0;for(let i=0;i<n;i++){x+=yield i;}return x;}
function* mid(n){return yield* leaf(n);}
function* top(n){return yield* mid(n);}
function calibOnce(){
  const m=new Map();let s=0;const arr=[];
  for(let r=0;r<200;r++){
    const g=top(1000);let x=g.next();
    while(!x.done){const o=new Obj(x.value,r);m.set(x.value&255,o);const p=m.get((x.value*7)&255);if(p)s+=p.a;arr.push(o);if(arr.length>64)arr.length=0;x=g.next(s&1);}
  }
  return s;
}
function calib(){let best=Infinity;for(let i=0;i<7;i++){const t0=process.hrtime.bigint();calibOnce();const t=Number(process.hrtime.bigint()-t0);if(t<best)best=t;}return 200000/(best/1e9);}
const out=[];
calib();
for(let k=0;k<2;k++){const r=c.benchStepping(v,2000,1,5);const cal=calib();out.push({bare:r[0].stepsPerSecond,checked:r[1].stepsPerSecond,calib:cal});}
console.log(JSON.stringify(out));
