/** MemoryStore against the store conformance suite. */
import { MemoryStore } from '../../../hub-core/store/memory.js';
import { suite } from './index.js';

suite('MemoryStore', {
  factory: async () => new MemoryStore(),
  supports: { persistence: false },
});
