/**
 * 'flushed', or 'hung' when the promise is still pending after 20 tasks fake timers do not control
 * (MessageChannel): plenty for work without a timer, never enough for a timer nobody advances.
 */
export function settles(p: Promise<unknown>): Promise<string> {
  const c = new MessageChannel();
  let turns = 0;
  const hung = new Promise<string>((done) => {
    c.port1.onmessage = () => { if (++turns < 20) c.port2.postMessage(0); else done('hung'); };
    c.port2.postMessage(0);
  });
  return Promise.race([p.then(() => 'flushed'), hung]).finally(() => c.port1.close());
}
