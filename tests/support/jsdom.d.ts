// jsdom ships no types and we use two names from it in one test.
declare module 'jsdom' {
  export class VirtualConsole { on(event: string, fn: (message: string) => void): this }
  export class JSDOM {
    constructor(html: string, options?: { runScripts?: 'outside-only' | 'dangerously'; virtualConsole?: VirtualConsole });
    window: Window & { eval(code: string): unknown };
  }
}
