package ghclient

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/palantir/go-githubapp/githubapp"
)

type countingCreator struct {
	githubapp.ClientCreator
	made atomic.Int32
}

func (c *countingCreator) NewInstallationClient(int64) (*github.Client, error) {
	c.made.Add(1)
	time.Sleep(5 * time.Millisecond) // widen the window a racing miss would fall in
	return github.NewClient(nil), nil
}

// A burst of events of a new installation shares one client, hence one
// installation token and one ETag cache.
func TestClientCacheOneClientPerInstallation(t *testing.T) {
	inner := &countingCreator{}
	cc := newClientCache(inner, 10)
	var wg sync.WaitGroup
	clients := make([]*github.Client, 32)
	for i := range clients {
		wg.Go(func() {
			c, err := cc.NewInstallationClient(int64(1 + i%2))
			if err != nil {
				t.Error(err)
			}
			clients[i] = c
		})
	}
	wg.Wait()
	if n := inner.made.Load(); n != 2 {
		t.Errorf("%d clients made for 2 installations, want 2", n)
	}
	for i, c := range clients {
		if c != clients[i%2] {
			t.Fatalf("event %d got another client of its installation", i)
		}
	}
}
