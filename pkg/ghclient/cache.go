package ghclient

import (
	"container/list"
	"sync"
)

// LRUCache is a size-bounded httpcache.Cache. httpcache's own memory cache
// grows without bound, which a long-running server cannot afford.
type LRUCache struct {
	mu    sync.Mutex
	max   int
	size  int
	order *list.List
	items map[string]*list.Element
}

type cacheEntry struct {
	key   string
	value []byte
}

// NewLRUCache returns a cache holding at most maxBytes of responses.
func NewLRUCache(maxBytes int) *LRUCache {
	return &LRUCache{max: maxBytes, order: list.New(), items: map[string]*list.Element{}}
}

// Get returns a cached response.
func (c *LRUCache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cacheEntry).value, true
}

// Set stores a response, evicting the least recently used ones over the bound.
func (c *LRUCache) Set(key string, value []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(value) > c.max {
		return
	}
	if e, ok := c.items[key]; ok {
		c.size -= len(e.Value.(*cacheEntry).value)
		c.order.Remove(e)
		delete(c.items, key)
	}
	c.items[key] = c.order.PushFront(&cacheEntry{key: key, value: value})
	c.size += len(value)
	for c.size > c.max {
		last := c.order.Back()
		ent := last.Value.(*cacheEntry)
		c.order.Remove(last)
		delete(c.items, ent.key)
		c.size -= len(ent.value)
	}
}

// Delete removes a response.
func (c *LRUCache) Delete(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.size -= len(e.Value.(*cacheEntry).value)
		c.order.Remove(e)
		delete(c.items, key)
	}
}
