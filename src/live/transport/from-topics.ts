import type { ChannelKey, Topic, Transport } from './transport';

/**
 * The keys, opener and receiver of a list of topics: each key is routed to the topic that named it
 * in the last keys() (the engine asks for the keys before it opens any).
 */
export function fromTopics(topics: readonly Topic[]): Pick<Transport, 'keys' | 'open' | 'receive'> {
  const owners = new Map<ChannelKey, Topic>();
  return {
    keys(viewer) {
      const keys: ChannelKey[] = [];
      for (const topic of topics) {
        for (const key of topic.keys(viewer)) {
          owners.set(key, topic);
          keys.push(key);
        }
      }
      return keys;
    },
    open(client, key, handlers) {
      const topic = owners.get(key);
      if (!topic) throw new Error(`no topic owns the channel key ${key}`);
      return topic.open(client, key, handlers);
    },
    receive(key, payload) {
      owners.get(key)?.receive(key, payload);
    },
  };
}
