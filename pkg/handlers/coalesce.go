package handlers

import (
	"context"
	"crypto/sha256"

	"github.com/palantir/go-githubapp/githubapp"
	"golang.org/x/sync/singleflight"

	"github.com/thanos-community/mentorbot/pkg/cache"
)

// Coalesced handles byte-identical deliveries of an event once. GitHub's
// redeliveries (and a redelivery storm: the same event resent under 2,000
// new delivery ids) carry the very payload of the original, while two
// distinct events never do (each carries its own timestamps and ids), so
// the payload's digest identifies the event. Concurrent copies wait for the
// first one's handling and share its outcome; once it succeeded, later
// copies are answered from memory; a failed handling is not remembered, so
// the next copy tries again. This spares every copy but one the decoding,
// the policy lookup and the jobs' work, which on two cores is what an
// acknowledgement competes with.
//
// The handling runs on the context of the delivery that started it, so
// that shutdown and the handler timeout stop it; a copy whose own context
// ends stops waiting for it.
type Coalesced struct {
	githubapp.EventHandler
	handled *cache.Cache[struct{}]
	flight  singleflight.Group
}

// Coalesce wraps h; handled remembers the events handled successfully.
func Coalesce(h githubapp.EventHandler, handled *cache.Cache[struct{}]) *Coalesced {
	return &Coalesced{EventHandler: h, handled: handled}
}

// Handle implements githubapp.EventHandler.
func (c *Coalesced) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	sum := sha256.Sum256(payload)
	key := eventType + ":" + string(sum[:])
	if c.handled.Contains(key) {
		return nil
	}
	ch := c.flight.DoChan(key, func() (any, error) {
		if c.handled.Contains(key) {
			return nil, nil
		}
		if err := c.EventHandler.Handle(ctx, eventType, deliveryID, payload); err != nil {
			return nil, err
		}
		c.handled.Add(key, struct{}{})
		return nil, nil
	})
	select {
	case <-ctx.Done():
		return ctx.Err()
	case res := <-ch:
		return res.Err
	}
}
