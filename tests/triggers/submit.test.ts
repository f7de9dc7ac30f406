// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { validateProperties } from '../../src/core/validate';
import { cleanUp, install, plan, planWith, submit } from './helpers';

afterEach(cleanUp);

const demoForm = `
  <form id="demo-request" data-lead-id="LEAD-2024-0042" action="/thanks">
    <input name="email" value="kari@fjord.example">
    <select name="company_size"><option>1-10</option><option selected>11-50</option></select>
    <button type="submit">Book a demo</button>
  </form>`;

describe('submit triggers', () => {
  it('tracks newsletter_signup when the newsletter form is submitted', async () => {
    document.body.innerHTML = `<form class="newsletter"><input name="email" value="a@b.example"></form><form class="search"></form>`;
    const t = install(plan('webshop'));
    await submit(document.querySelector('form.search')!);
    await submit(document.querySelector('form.newsletter')!);
    expect(t.calls).toEqual([['newsletter_signup', {}]]);
  });

  it('tracks demo_request with field:company_size and data-lead-id from the form', async () => {
    document.body.innerHTML = demoForm;
    const t = install(plan('leadgen'));
    await submit(document.querySelector('form')!);
    expect(t.calls).toEqual([['demo_request', { company_size: '11-50', lead_id: 'LEAD-2024-0042' }]]);
  });

  it('counts a form whose submit button the selector names (the element a marketer right-clicks), reading the form', async () => {
    document.body.innerHTML = `<form action="/thanks"><input name="plan" value="pro"><button id="go">Send</button><button id="other">Other</button></form>`;
    const t = install(planWith({ on: 'submit', selector: '#go', properties: { plan: 'field:plan' } }, { plan: { type: 'string' } }));
    const form = document.querySelector('form')!;
    const send = async (button: string) => {
      form.dispatchEvent(new SubmitEvent('submit', { bubbles: true, cancelable: true, submitter: document.querySelector<HTMLElement>(button) }));
      await submit(document.createElement('form')); // lets the trigger's task run
    };
    await send('#other');
    expect(t.calls).toEqual([]);
    await send('#go');
    expect(t.calls).toEqual([['goal', { plan: 'pro' }]]);
  });

  it('tracks in the task right after the submit event, once every handler has run', async () => {
    document.body.innerHTML = demoForm;
    const t = install(plan('leadgen'));
    let duringDispatch = -1;
    const late = () => { duringDispatch = t.calls.length; };
    window.addEventListener('submit', late); // runs after ours
    try {
      await submit(document.querySelector('form')!);
    } finally { window.removeEventListener('submit', late); }
    expect(duringDispatch).toBe(0);
    expect(t.names()).toEqual(['demo_request']);
  });

  it("does not fire when a window-level handler the page adds after install calls preventDefault", async () => {
    document.body.innerHTML = `<form class="newsletter"><input name="email"></form>`;
    const t = install(plan('webshop'));
    const prevent = (e: Event) => e.preventDefault();
    window.addEventListener('submit', prevent);
    try {
      expect(await submit(document.querySelector('form')!)).toBe(false);
    } finally { window.removeEventListener('submit', prevent); }
    expect(t.calls).toEqual([]);
  });

  it("does not fire when the page's own form handler calls preventDefault (a JavaScript submit)", async () => {
    document.body.innerHTML = demoForm;
    document.querySelector('form')!.addEventListener('submit', (e) => e.preventDefault());
    const t = install(plan('leadgen'));
    await submit(document.querySelector('form')!);
    expect(t.calls).toEqual([]);
  });

  it("does not fire when the page's document-level handler, registered after install, calls preventDefault", async () => {
    document.body.innerHTML = demoForm;
    const t = install(plan('leadgen'));
    document.addEventListener('submit', (e) => e.preventDefault(), { once: true });
    await submit(document.querySelector('form')!);
    expect(t.calls).toEqual([]);
    await submit(document.querySelector('form')!);
    expect(t.names()).toEqual(['demo_request']);
  });

  it('converts field values to the declared types: number, integer, boolean from a checkbox and from text', async () => {
    document.body.innerHTML = `
      <form class="order">
        <input name="budget" value="12 500,75">
        <input name="seats" value="25">
        <input type="checkbox" name="consent_marketing" checked>
        <input type="checkbox" name="newsletter">
        <input type="radio" name="plan" value="basic"><input type="radio" name="plan" value="pro" checked>
        <input name="trial" value="Yes">
        <textarea name="notes">  call after 3  </textarea>
      </form>`;
    const t = install(planWith(
      { on: 'submit', selector: 'form.order', properties: { budget: 'field:budget', seats: 'field:seats', consent_marketing: 'field:consent_marketing', newsletter: 'field:newsletter', plan: 'field:plan', trial: 'field:trial', notes: 'field:notes' } },
      { budget: { type: 'number' }, seats: { type: 'integer' }, consent_marketing: { type: 'boolean' }, newsletter: { type: 'boolean' }, plan: { type: 'string' }, trial: { type: 'boolean' }, notes: { type: 'string' } },
    ));
    await submit(document.querySelector('form')!);
    expect(t.calls).toEqual([['goal', { budget: 12500.75, seats: 25, consent_marketing: true, newsletter: false, plan: 'pro', trial: true, notes: '  call after 3  ' }]]);
  });

  it('reads a checkbox that has the usual hidden "false" twin of the same name as the checkbox', async () => {
    document.body.innerHTML = `
      <form class="order">
        <input type="hidden" name="terms" value="false"><input type="checkbox" name="terms" value="true" checked>
        <input type="hidden" name="news" value="0"><input type="checkbox" name="news" value="1">
      </form>`;
    const t = install(planWith({ on: 'submit', selector: 'form.order', properties: { terms: 'field:terms', news: 'field:news' } }, { terms: { type: 'boolean' }, news: { type: 'boolean' } }));
    await submit(document.querySelector('form')!);
    expect(t.calls).toEqual([['goal', { terms: true, news: false }]]);
  });

  it('leaves out a field the form does not have and warns, so validation reports it', async () => {
    document.body.innerHTML = `<form id="demo-request" data-lead-id="LEAD-0001"></form>`;
    const t = install(planWith({ on: 'submit', selector: 'form#demo-request', properties: { company_size: 'field:company_size', lead_id: 'data-lead-id' } }, { company_size: { type: 'string' }, lead_id: { type: 'string' } }));
    await submit(document.querySelector('form')!);
    expect(t.calls).toEqual([['goal', { lead_id: 'LEAD-0001' }]]);
    expect(t.warnings).toEqual([expect.stringMatching(/goal.*field:company_size.*company_size/)]);
  });

  it('leaves out an optional property whose field is empty (a select at "Choose…", no radio checked), so the conversion is valid', async () => {
    document.body.innerHTML = `
      <form id="demo-request" data-lead-id="LEAD-123456">
        <select name="company_size"><option value="">Choose…</option><option>1-10</option><option>11-50</option></select>
        <input name="employees" value="">
        <input type="radio" name="plan" value="basic"><input type="radio" name="plan" value="pro">
        <input name="notes" value="">
      </form>`;
    const p = planWith(
      { on: 'submit', selector: 'form#demo-request', properties: { company_size: 'field:company_size', employees: 'field:employees', plan: 'field:plan', notes: 'field:notes', lead_id: 'data-lead-id' } },
      { company_size: { type: 'string', enum: ['1-10', '11-50'], optional: true }, employees: { type: 'integer', optional: true }, plan: { type: 'string', optional: true }, notes: { type: 'string' }, lead_id: { type: 'string' } },
    );
    const t = install(p);
    await submit(document.querySelector('form')!);
    // a required property keeps what the field holds: validation decides about it
    expect(t.calls).toEqual([['goal', { notes: '', lead_id: 'LEAD-123456' }]]);
    expect(validateProperties(p.conversions.goal!.properties, t.calls[0]![1])).toEqual([]);
    expect(t.warnings).toEqual([]);
  });

  it('counts a field that sits outside the form but belongs to it (form="…")', async () => {
    document.body.innerHTML = `<form id="demo-request" data-lead-id="LEAD-0001"></form><input form="demo-request" name="company_size" value="251+">`;
    const t = install(plan('leadgen'));
    await submit(document.querySelector('form')!);
    expect(t.calls).toEqual([['demo_request', { company_size: '251+', lead_id: 'LEAD-0001' }]]);
  });

  it('listens once, on window, in the capture phase', async () => {
    const added: [string, unknown][] = [];
    const original = window.addEventListener;
    window.addEventListener = function (this: Window, type: string, fn: any, o?: any) { added.push([type, o]); return original.call(this, type, fn, o); } as any;
    try { install(plan('leadgen')); } finally { window.addEventListener = original; }
    expect(added.filter(([type]) => type === 'submit')).toEqual([['submit', true]]);
  });

  it('counts a form whose own handler stops the propagation (the form is still sent), and not one it prevents', async () => {
    document.body.innerHTML = `<form class="newsletter"><input name="email" value="a@b.example"></form>`;
    const form = document.querySelector('form')!;
    form.addEventListener('submit', (e) => e.stopPropagation());
    const t = install(plan('webshop'));
    await submit(form);
    expect(t.names()).toEqual(['newsletter_signup']);
    form.addEventListener('submit', (e) => e.preventDefault());
    await submit(form);
    expect(t.names()).toEqual(['newsletter_signup']);
  });
});
