package e2e

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/config"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/simbot"
	"github.com/thanos-community/mentorbot/pkg/welcome"
)

// The storm and the burst of issue #16: a redelivery storm (2,000 signed
// pull_request.opened deliveries of one first-timer's PR from 32 senders at
// once) and a burst (32 first-timer PRs opened in one repository at once).
const (
	stormDeliveries = 2000
	stormSenders    = 32
	burstPRs        = 32
	stormRepo       = "storm-org/app"
)

// stormCalls are the GitHub calls one scenario made, by operation.
type stormCalls struct {
	total    int
	ops      map[string]int
	welcomes int
}

func (c stormCalls) String() string {
	var b strings.Builder
	for _, op := range slices.Sorted(maps.Keys(c.ops)) {
		fmt.Fprintf(&b, " %s=%d", op, c.ops[op])
	}
	return fmt.Sprintf("%d calls (%s), %d welcomes", c.total, strings.TrimSpace(b.String()), c.welcomes)
}

// policyOps and guideOps classify the reads the acceptance names.
func (c stormCalls) policyReads() int {
	return c.ops["repos/get-content mentorbot.yml"] + c.ops["repos/get .github"]
}

func (c stormCalls) guideReads() int { return c.ops["repos/get-content guide"] }

// stormBot starts the bot on an org with a policy in its .github
// repository (no contributing_url: the guide is looked up) and a repository
// with its own CONTRIBUTING.md, the usual case.
func stormBot(t testing.TB) *simbot.Bot {
	t.Helper()
	h := simbot.MustStart(t, simbot.Options{
		// Debug logs in memory would measure the logger, not the bot.
		LogLevel: zerolog.InfoLevel,
		Config:   func(c *config.Config) { c.Server.QueueSize = 2 * stormDeliveries },
		Sim:      func(so *githubsim.Options) { so.SearchRateLimit = 1 << 30; so.CoreRateLimit = 1 << 30 },
	})
	h.Sim.AddOrg("storm-org", "maintainer")
	h.Sim.AddRepo("storm-org/.github", githubsim.RepoOptions{Files: map[string]string{"mentorbot.yml": "program:\n  channels: \"#dev\"\n"}})
	h.Sim.AddRepo(stormRepo, githubsim.RepoOptions{Files: map[string]string{"CONTRIBUTING.md": "Be nice."}})
	h.Sim.AddInstallation(1, "storm-org")
	return h
}

// countCalls classifies the simulator's requests since the last reset.
func countCalls(h *simbot.Bot) stormCalls {
	c := stormCalls{ops: map[string]int{}}
	for _, r := range h.Sim.Requests() {
		op := r.OperationID
		switch {
		case op == "repos/get-content" && strings.Contains(r.Path, "mentorbot.yml"):
			op += " mentorbot.yml"
		case op == "repos/get-content":
			op += " guide"
		case op == "repos/get" && strings.HasSuffix(r.Path, "/.github"):
			op += " .github"
		}
		c.ops[op]++
		c.total++
	}
	return c
}

// welcomes counts the bot's welcomes on a PR.
func welcomes(h *simbot.Bot, n int) int {
	k := 0
	for _, cm := range h.Sim.Comments(stormRepo, n) {
		if strings.Contains(cm.Body, welcome.Marker()) {
			k++
		}
	}
	return k
}

// deliverAll sends n deliveries of body from c concurrent senders as fast
// as they go, and waits until the bot has handled them.
func deliverAll(t testing.TB, h *simbot.Bot, body func(k int) []byte, n, c int) {
	t.Helper()
	var (
		wg     sync.WaitGroup
		next   atomic.Int64
		failed atomic.Int64
	)
	for range c {
		wg.Go(func() {
			for k := int(next.Add(1)) - 1; k < n; k = int(next.Add(1)) - 1 {
				if code, err := h.Deliver("pull_request", body(k)); err != nil || code != http.StatusOK {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if f := failed.Load(); f > 0 {
		t.Fatalf("%d of %d deliveries not acknowledged with 200", f, n)
	}
	if err := h.Wait(); err != nil {
		t.Fatal(err)
	}
}

// runStorm: one first-timer PR, stormDeliveries deliveries (distinct ids,
// as GitHub's redeliveries have) from stormSenders senders, on a bot that
// has seen nothing of the installation yet.
func runStorm(t testing.TB) stormCalls {
	h := stormBot(t)
	h.Sim.SetFirstTimer("newbie")
	n := h.Sim.AddPull(stormRepo, githubsim.Pull{Issue: githubsim.Issue{Title: "docs: fix a typo", User: "newbie"}})
	ev := h.Sim.PullRequestEvent("opened", stormRepo, n, "newbie")
	h.Sim.ResetRequests()
	deliverAll(t, h, func(int) []byte { return ev }, stormDeliveries, stormSenders)
	c := countCalls(h)
	c.welcomes = welcomes(h, n)
	return c
}

// runBurst: burstPRs first-timer PRs by different authors opened in one
// repository at once, one delivery each.
func runBurst(t testing.TB) stormCalls {
	h := stormBot(t)
	evs := make([][]byte, burstPRs)
	nums := make([]int, burstPRs)
	for i := range burstPRs {
		author := fmt.Sprintf("newbie-%d", i)
		h.Sim.SetFirstTimer(author)
		nums[i] = h.Sim.AddPull(stormRepo, githubsim.Pull{Issue: githubsim.Issue{Title: "docs: fix a typo", User: author}})
		evs[i] = h.Sim.PullRequestEvent("opened", stormRepo, nums[i], author)
	}
	h.Sim.ResetRequests()
	deliverAll(t, h, func(k int) []byte { return evs[k] }, burstPRs, burstPRs)
	c := countCalls(h)
	for _, n := range nums {
		c.welcomes += welcomes(h, n)
	}
	return c
}

// The storm's copies are byte-identical, as GitHub's redeliveries are, so
// handlers.Coalesced handles it once; the burst (different PRs at once) is
// what exercises the shared loads and the coalesced reads.
//
// A redelivery storm costs what one delivery costs: at most 7 GitHub calls
// and one welcome (token, the org and the repository policy files, the
// contributing guide, the marker search, the comment, the re-read that
// settles a race). A burst of first PRs in one repository reads the policy
// and the contributing guide once, and costs at most 2 calls per PR beyond
// the welcome itself: the marker search and the settling re-read (see
// welcome.Job.Run for why there is no look before writing).
func TestStormAndBurstCalls(t *testing.T) {
	storm := runStorm(t)
	t.Logf("storm: %s", storm)
	if storm.total > 7 || storm.welcomes != 1 {
		t.Errorf("storm: %s; want at most 7 calls and 1 welcome", storm)
	}

	burst := runBurst(t)
	t.Logf("burst: %s", burst)
	if burst.welcomes != burstPRs {
		t.Errorf("burst: %d welcomes for %d first PRs", burst.welcomes, burstPRs)
	}
	if burst.policyReads() > 3 || burst.guideReads() != 1 {
		t.Errorf("burst: policy read with %d calls (want one load: at most 3), guide with %d (want 1): %s", burst.policyReads(), burst.guideReads(), burst)
	}
	perPR := burst.total - burst.ops["issues/create-comment"] - burst.policyReads() - burst.guideReads() - burst.ops["apps/create-installation-access-token"]
	if perPR > 2*burstPRs {
		t.Errorf("burst: %d calls beyond the welcomes and the shared reads for %d PRs, want at most %d: %s", perPR, burstPRs, 2*burstPRs, burst)
	}
}
