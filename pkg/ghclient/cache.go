package ghclient

import (
	"github.com/thanos-community/mentorbot/pkg/cache"
)

// LRUCache is a size-bounded httpcache.Cache (the ETag cache of each
// installation client). httpcache's own memory cache grows without bound,
// which a long-running server cannot afford.
type LRUCache struct {
	c *cache.Cache[[]byte]
}

// minEntryBytes is a floor on the size of a cached response (status line,
// headers and body), which bounds the number of entries by maxBytes.
const minEntryBytes = 256

// NewLRUCache returns a cache holding at most maxBytes of responses.
func NewLRUCache(maxBytes int) *LRUCache {
	return &LRUCache{c: cache.New(cache.Options[[]byte]{
		Size:    max(maxBytes/minEntryBytes, 64),
		MaxCost: maxBytes,
		Cost:    func(b []byte) int { return len(b) },
	})}
}

// Get returns a cached response.
func (c *LRUCache) Get(key string) ([]byte, bool) { return c.c.Get(key) }

// Set stores a response, evicting the least recently used ones over the bound.
func (c *LRUCache) Set(key string, value []byte) { c.c.Add(key, value) }

// Delete removes a response.
func (c *LRUCache) Delete(key string) { c.c.Remove(key) }
