package e2e

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/app"
	"github.com/thanos-community/mentorbot/pkg/config"
	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// bot is one more mentorbot process on a simbot.Bot's simulator: a second
// replica, or the bot started again after a crash.
type bot struct {
	App  *app.App
	URL  string
	Logs *simbot.SyncBuffer
	stop func() error
}

// startBot starts another mentorbot on h's simulator and clock. It does not
// point the simulator's webhook at itself; callers do when they want.
func startBot(t testing.TB, h *simbot.Bot, adjust func(*config.Config)) *bot {
	t.Helper()
	cfg := config.Default()
	cfg.GitHub.V3APIURL = h.Sim.URL()
	cfg.GitHub.V4APIURL = h.Sim.URL() + "graphql"
	cfg.GitHub.App.IntegrationID = h.Sim.AppID()
	cfg.GitHub.App.WebhookSecret = simbot.Secret
	cfg.GitHub.App.PrivateKey = string(h.Sim.PrivateKey())
	cfg.Server.GitHubTimeout = 10 * time.Second
	// Loopback on a free port unless adjust picks one: the default
	// 0.0.0.0:8080 is shared by every test process on the machine.
	cfg.Server.Address, cfg.Server.Port = "127.0.0.1", 0
	cfg.Schedule.RemindEvery = 0
	cfg.Schedule.Digest = false
	// A free loopback port unless adjust names one: the default 8080 on all
	// interfaces collides with anything else on the machine.
	cfg.Server.Address, cfg.Server.Port = "127.0.0.1", 0
	if adjust != nil {
		adjust(&cfg)
	}
	logs := &simbot.SyncBuffer{}
	a, err := app.New(cfg, app.Options{
		Version: "e2e-replica",
		Logger:  zerolog.New(logs).Level(zerolog.DebugLevel).With().Timestamp().Logger(),
		Now:     h.Clock.Now,
		Retry:   ghclient.RetryPolicy{BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond, MaxWait: 3 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	addr := "127.0.0.1:0"
	if cfg.Server.Port != 0 {
		addr = cfg.ListenAddr()
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.ServeListener(ctx, l) }()
	b := &bot{App: a, URL: "http://" + l.Addr().String(), Logs: logs}
	var stopped atomic.Bool
	b.stop = func() error {
		if stopped.Swap(true) {
			return nil
		}
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			return errors.New("replica did not stop within 30s")
		}
	}
	t.Cleanup(func() {
		if err := b.stop(); err != nil {
			t.Errorf("stop replica: %v", err)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get(b.URL + "/readyz")
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica not ready; logs:\n%s", logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	return b
}

func (b *bot) wait(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !b.App.Idle() {
		if time.Now().After(deadline) {
			t.Fatal("replica still busy after 30s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// labelPosts counts the label writes on repo#n: a mentee PR handled twice
// would be labelled twice.
func labelPosts(sim *githubsim.Server, repo string, n int) int {
	c := 0
	for _, r := range sim.Requests() {
		if r.Method == http.MethodPost && r.Path == "/repos/"+repo+"/issues/"+strconv.Itoa(n)+"/labels" && r.Status < 300 {
			c++
		}
	}
	return c
}

// deliveryStates sums up the simulator's delivery log: GUIDs that never got
// a 2xx, and how many redeliveries were made.
func deliveryStates(sim *githubsim.Server) (missed []string, redelivered int) {
	ok := map[string]bool{}
	var order []string
	for _, d := range sim.Deliveries() {
		if _, seen := ok[d.GUID]; !seen {
			order = append(order, d.GUID)
			ok[d.GUID] = false
		}
		if d.StatusCode/100 == 2 {
			ok[d.GUID] = true
		}
		if d.Redelivery {
			redelivered++
		}
	}
	for _, g := range order {
		if !ok[g] {
			missed = append(missed, g)
		}
	}
	return missed, redelivered
}

func closedPortURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr + "/api/github/hook"
}

// Deliveries answered 503 while the queue was full are redelivered once
// and handled once each; a second pass asks for nothing.
func TestRedeliverQueueFull(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{Config: func(c *config.Config) { c.Server.QueueSize = 1; c.Server.Workers = 1 }})
	mtSeed(t, h)
	const repo = "thanos-io/objstore"
	var prs []int
	for i := 0; i < 6; i++ {
		prs = append(prs, h.Sim.AddPull(repo, githubsim.Pull{Issue: githubsim.Issue{Title: "mentee work " + strconv.Itoa(i), User: "alice"}}))
	}
	// Slow GitHub: the one worker holds each event long enough for the
	// queue of one to fill.
	h.Sim.SetFault(func(r *http.Request, _ int) *githubsim.Fault {
		if strings.HasPrefix(r.URL.Path, "/repos/") {
			return &githubsim.Fault{Delay: 150 * time.Millisecond}
		}
		return nil
	})
	busy := 0
	for _, n := range prs {
		d, err := h.Sim.Deliver(context.Background(), "pull_request", h.Sim.PullRequestEvent("opened", repo, n, "alice"))
		if err != nil {
			t.Fatal(err)
		}
		if d.StatusCode == http.StatusServiceUnavailable {
			busy++
		}
	}
	if busy == 0 {
		t.Fatal("no delivery was refused with 503; the test did not fill the queue")
	}
	if err := h.Wait(); err != nil {
		t.Fatal(err)
	}
	h.Sim.SetFault(nil)
	missed, _ := deliveryStates(h.Sim)
	if len(missed) != busy {
		t.Fatalf("%d missed deliveries in GitHub's log, want %d", len(missed), busy)
	}

	res, err := h.App.Redeliver(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Wait(); err != nil {
		t.Fatal(err)
	}
	if res.Requested != busy {
		t.Errorf("requested %d redeliveries, want %d (%+v)", res.Requested, busy, res)
	}
	missed, redelivered := deliveryStates(h.Sim)
	if len(missed) != 0 || redelivered != busy {
		t.Errorf("after redelivery: missed %v, %d redeliveries, want none and %d", missed, redelivered, busy)
	}
	for _, n := range prs {
		if got := labelPosts(h.Sim, repo, n); got != 1 {
			t.Errorf("%s#%d labelled %d times, want exactly 1", repo, n, got)
		}
	}
	// A second pass finds nothing to do.
	if res, err := h.App.Redeliver(context.Background()); err != nil || res.Requested != 0 {
		t.Errorf("second pass: %+v, %v; want nothing requested", res, err)
	}
	m, _ := h.Metrics()
	if !strings.Contains(m, `mentorbot_redeliveries_total{result="requested"} `+strconv.Itoa(busy)) {
		t.Errorf("metrics lack the redeliveries:\n%s", grepLines(m, "redeliveries"))
	}
}

// Deliveries sent while the bot was down are redelivered by the next bot
// at start (before it reports ready), and handled exactly once.
func TestRedeliverAfterDowntime(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	mtSeed(t, h)
	const repo = "thanos-io/objstore"
	// The bot is down: GitHub's deliveries go nowhere.
	h.Sim.SetWebhook(closedPortURL(t), simbot.Secret)
	var prs []int
	for i := 0; i < 3; i++ {
		n := h.Sim.AddPull(repo, githubsim.Pull{Issue: githubsim.Issue{Title: "while down " + strconv.Itoa(i), User: "alice"}})
		prs = append(prs, n)
		if d, err := h.Sim.Deliver(context.Background(), "pull_request", h.Sim.PullRequestEvent("opened", repo, n, "alice")); err == nil || d.StatusCode != 0 {
			t.Fatalf("delivery to a closed port: status %d, err %v", d.StatusCode, err)
		}
	}
	// Another process starts (the restarted bot) with GitHub pointing at it.
	b := startBotAt(t, h)
	b.wait(t)
	for _, n := range prs {
		if got := labelPosts(h.Sim, repo, n); got != 1 {
			t.Errorf("%s#%d labelled %d times, want exactly 1; logs:\n%s", repo, n, got, b.Logs.Tail(20))
		}
	}
	missed, redelivered := deliveryStates(h.Sim)
	if len(missed) != 0 || redelivered != len(prs) {
		t.Errorf("missed %v, %d redeliveries; want none and %d", missed, redelivered, len(prs))
	}
	// Neither the old nor the new bot asks again.
	for _, a := range []*app.App{h.App, b.App} {
		if res, err := a.Redeliver(context.Background()); err != nil || res.Requested != 0 {
			t.Errorf("later pass: %+v, %v; want nothing requested", res, err)
		}
	}
}

// startBotAt starts a bot whose address is known before it starts, so that
// the simulator's webhook points at it when its pass at start runs.
func startBotAt(t testing.TB, h *simbot.Bot) *bot {
	t.Helper()
	// Reserve the port, point GitHub at it, then start the bot there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().(*net.TCPAddr)
	_ = l.Close()
	h.Sim.SetWebhook("http://"+addr.String()+"/api/github/hook", simbot.Secret)
	return startBot(t, h, func(c *config.Config) {
		c.Server.Address = "127.0.0.1"
		c.Server.Port = addr.Port
	})
}
