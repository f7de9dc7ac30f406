// Script-tag entry. For now it exposes the plan checker; the script-tag loader replaces this.
export { parsePlan } from '../plan/parse';
