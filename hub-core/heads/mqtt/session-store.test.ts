import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../store/memory.js';
import { SessionStore } from './session-store.js';

describe('SessionStore', () => {
  let root: MemoryStore;
  beforeEach(async () => {
    root = new MemoryStore();
    await root.open();
  });
  afterEach(async () => {
    await root.close();
  });

  it('creates a session on the first CleanSession=0 connect; the next reports it present', async () => {
    const s = new SessionStore(root.sublevel('sessions'));
    expect(await s.begin('dev1', false)).toEqual({ present: false, subscriptions: new Map() });
    await s.save('dev1', new Map([['$iothub/twin/res/#', 0], ['devices/dev1/messages/devicebound/#', 1]]));
    const again = await s.begin('dev1', false);
    expect(again.present).toBe(true);
    expect([...again.subscriptions]).toEqual([['$iothub/twin/res/#', 0], ['devices/dev1/messages/devicebound/#', 1]]);
  });

  it('survives a new instance on the same store (restart)', async () => {
    await new SessionStore(root.sublevel('sessions')).save('dev1', new Map([['$iothub/methods/POST/#', 0]]));
    const fresh = await new SessionStore(root.sublevel('sessions')).begin('dev1', false);
    expect(fresh.present).toBe(true);
    expect(fresh.subscriptions.get('$iothub/methods/POST/#')).toBe(0);
  });

  it('discards the stored session on CleanSession=1 [MQTT-3.1.2-6]', async () => {
    const s = new SessionStore(root.sublevel('sessions'));
    await s.save('dev1', new Map([['$iothub/methods/POST/#', 0]]));
    expect(await s.begin('dev1', true)).toEqual({ present: false, subscriptions: new Map() });
    expect(await root.sublevel('sessions').get('dev1')).toBeUndefined();
    expect((await s.begin('dev1', false)).present).toBe(false);
  });

  it('returns copies: changing a returned set does not change the store', async () => {
    const s = new SessionStore(root.sublevel('sessions'));
    await s.save('d', new Map([['a', 1]]));
    (await s.begin('d', false)).subscriptions.set('b', 0);
    expect([...(await s.begin('d', false)).subscriptions.keys()]).toEqual(['a']);
  });
});
