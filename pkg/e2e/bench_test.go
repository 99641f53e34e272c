package e2e

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/simbot"
	"github.com/thanos-community/mentorbot/pkg/welcome"
)

// rssKB reads VmRSS or VmHWM (peak) of a process from /proc, in KiB.
func rssKB(pid int, field string) (int, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, field+":") {
			return strconv.Atoi(strings.Fields(l)[1])
		}
	}
	return 0, fmt.Errorf("%s not in /proc/%d/status", field, pid)
}

// cpuTime reads the user and system CPU time a process has used so far
// from /proc (in clock ticks of 10 ms, the Linux default).
func cpuTime(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: count from after it.
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	var ticks int
	for _, s := range f[11:13] { // utime, stime (fields 14 and 15 of stat)
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, err
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// BenchmarkWebhookAck measures what GitHub sees during the redelivery storm
// (stormDeliveries signed pull_request.opened deliveries of one first-timer's
// PR, stormSenders senders) against a real `mentorbot serve` process at its
// default log level, talking to the simulator: ack latency paced at 1,000
// deliveries/s for 2 s (open loop: each delivery's latency runs from its
// scheduled start, so a stalled server cannot slow the load down and hide
// its own stall), then unpaced (saturation); the process's idle and peak
// RSS; and the GitHub calls and welcomes the storm cost. `make bench` runs
// it.
func BenchmarkWebhookAck(b *testing.B) {
	sim, err := githubsim.New(githubsim.Options{SearchRateLimit: 1 << 30, CoreRateLimit: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = sim.Close()
		for _, v := range sim.Violations() {
			b.Errorf("github simulator: %s", v)
		}
	}()
	sim.AddOrg("storm-org", "maintainer")
	sim.AddRepo("storm-org/.github", githubsim.RepoOptions{Files: map[string]string{"mentorbot.yml": "program:\n  channels: \"#dev\"\n"}})
	sim.AddRepo(stormRepo, githubsim.RepoOptions{Files: map[string]string{"CONTRIBUTING.md": "Be nice."}})
	sim.AddInstallation(7, "storm-org")
	sim.SetFirstTimer("newbie")
	n := sim.AddPull(stormRepo, githubsim.Pull{Issue: githubsim.Issue{Title: "docs: fix a typo", User: "newbie"}})
	body := sim.PullRequestEvent("opened", stormRepo, n, "newbie")

	// Two storms must fit the queue: size it like an operator expecting
	// bursts would (the default is 1,000).
	p := startServe(b, sim, "  queue_size: 5000\n", "--log.level", "info")
	pid := p.cmd.Process.Pid
	time.Sleep(500 * time.Millisecond)
	idle, err := rssKB(pid, "VmRSS")
	if err != nil {
		b.Fatal(err)
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: stormSenders}}
	for i := 0; i < b.N; i++ {
		sim.ResetRequests()
		cpu0, err := cpuTime(pid)
		if err != nil {
			b.Fatal(err)
		}
		paced := sendLoad(b, client, p.url, body, fmt.Sprintf("paced-%d", i), stormDeliveries, stormSenders, time.Millisecond)
		calls := settledCalls(sim)
		cpu1, err := cpuTime(pid)
		if err != nil {
			b.Fatal(err)
		}
		saturated := sendLoad(b, client, p.url, body, fmt.Sprintf("saturated-%d", i), stormDeliveries, stormSenders, 0)
		peak, err := rssKB(pid, "VmHWM")
		if err != nil {
			b.Fatal(err)
		}
		welcomes := 0
		for _, cm := range sim.Comments(stormRepo, n) {
			if strings.Contains(cm.Body, welcome.Marker()) {
				welcomes++
			}
		}
		b.ReportMetric(float64(paced.p50.Microseconds())/1000, "ack-p50-ms")
		b.ReportMetric(float64(paced.p99.Microseconds())/1000, "ack-p99-ms")
		b.ReportMetric(paced.rate, "paced-deliveries/s")
		b.ReportMetric(saturated.rate, "max-deliveries/s")
		b.ReportMetric(float64(saturated.p50.Microseconds())/1000, "saturation-ack-p50-ms")
		b.ReportMetric(float64(saturated.p99.Microseconds())/1000, "saturation-ack-p99-ms")
		b.ReportMetric(float64(idle)/1024, "idle-RSS-MB")
		b.ReportMetric(float64(peak)/1024, "peak-RSS-MB")
		b.ReportMetric(float64(calls), "github-calls/storm")
		b.ReportMetric(float64((cpu1 - cpu0).Milliseconds()), "cpu-ms/storm")
		b.ReportMetric(float64(welcomes), "welcomes")
		fmt.Printf("storm at 1,000/s (open loop, 2 s): %d deliveries from %d senders: ack p50 %s, p99 %s (%.0f deliveries/s sent); %d GitHub calls, %d welcome(s)\n",
			stormDeliveries, stormSenders, paced.p50.Round(time.Microsecond), paced.p99.Round(time.Microsecond), paced.rate, calls, welcomes)
		fmt.Printf("CPU time of the bot for the paced storm (acknowledging and handling): %s\n", cpu1-cpu0)
		fmt.Printf("storm unpaced (saturation): %d deliveries from %d senders: ack p50 %s, p99 %s, %.0f deliveries/s\n",
			stormDeliveries, stormSenders, saturated.p50.Round(time.Microsecond), saturated.p99.Round(time.Microsecond), saturated.rate)
		fmt.Printf("RSS: idle %.1f MB, peak %.1f MB\n", float64(idle)/1024, float64(peak)/1024)
	}
}

// settledCalls waits until the simulator has seen no request for 300 ms
// (the bot's queue has drained) and returns how many it saw.
func settledCalls(sim *githubsim.Server) int {
	last := -1
	for {
		time.Sleep(300 * time.Millisecond)
		n := len(sim.Requests())
		if n == last {
			return n
		}
		last = n
	}
}

// BenchmarkStormCalls reports the GitHub calls of the redelivery storm, by
// operation, next to the lower bound (see lowerBound).
func BenchmarkStormCalls(b *testing.B) {
	for range b.N {
		c := runStorm(b)
		reportCalls(b, "storm", c, stormLowerBound, 1)
	}
}

// BenchmarkBurstCalls reports the GitHub calls of burstPRs first PRs opened
// in one repository at once, by operation, next to the lower bound.
func BenchmarkBurstCalls(b *testing.B) {
	for range b.N {
		c := runBurst(b)
		reportCalls(b, "burst", c, burstLowerBound, burstPRs)
	}
}

// The lower bounds of the storm and the burst, by operation, with the
// reason each call cannot go:
//   - an installation token: every call needs one (one per installation);
//   - the policy: the repository's file (a 404 here) and the org default,
//     one contents request each;
//   - the contributing guide: one listing of the repository's root, unless
//     program.contributing_url is set;
//   - per welcome: the marker search (has this author been welcomed?), the
//     comment, and the re-read of the PR's comments that settles a race
//     between replicas (the lowest welcome wins).
var (
	stormLowerBound = map[string]int{
		"apps/create-installation-access-token": 1,
		"repos/get-content mentorbot.yml":       2,
		"repos/get-content guide":               1,
		"search/issues-and-pull-requests":       1,
		"issues/create-comment":                 1,
		"issues/list-comments":                  1,
	}
	burstLowerBound = map[string]int{
		"apps/create-installation-access-token": 1,
		"repos/get-content mentorbot.yml":       2,
		"repos/get-content guide":               1,
		"search/issues-and-pull-requests":       burstPRs,
		"issues/create-comment":                 burstPRs,
		"issues/list-comments":                  burstPRs,
	}
)

func reportCalls(b *testing.B, name string, c stormCalls, bound map[string]int, wantWelcomes int) {
	lower := 0
	for _, v := range bound {
		lower += v
	}
	b.ReportMetric(float64(c.total), "github-calls")
	b.ReportMetric(float64(lower), "lower-bound")
	b.ReportMetric(float64(c.welcomes), "welcomes")
	fmt.Printf("%s: %d GitHub calls (lower bound %d), %d welcome(s) (want %d)\n", name, c.total, lower, c.welcomes, wantWelcomes)
	for _, op := range slices.Sorted(maps.Keys(mergeKeys(c.ops, bound))) {
		fmt.Printf("  %-42s %4d  (bound %d)\n", op, c.ops[op], bound[op])
	}
}

func mergeKeys(a, b map[string]int) map[string]int {
	m := maps.Clone(a)
	for k := range b {
		m[k] += 0
	}
	return m
}

type loadResult struct {
	p50, p99 time.Duration
	rate     float64
}

// sendLoad sends n signed deliveries from c concurrent senders and fails
// the benchmark if any is not acknowledged with 200. With interval > 0 the
// load is an open loop: delivery k is due at start + k*interval, and its
// latency runs from then, whether or not a sender was free. With interval
// 0 the senders send as fast as they can (saturation), and latency runs
// from each send.
func sendLoad(b *testing.B, client *http.Client, url string, body []byte, prefix string, n, c int, interval time.Duration) loadResult {
	lat := make([]time.Duration, n)
	reqs := make([]*http.Request, n)
	for k := range n {
		reqs[k], _ = simbot.NewDelivery(url+"/api/github/hook", simbot.Secret, "pull_request", fmt.Sprintf("%s-%d", prefix, k), body)
	}
	var failed atomic.Int64
	var wg sync.WaitGroup
	next := make(chan int, n)
	start := time.Now()
	due := func(k int) time.Time { return start.Add(time.Duration(k) * interval) }
	for range c {
		wg.Go(func() {
			for k := range next {
				t0 := time.Now()
				if interval > 0 {
					t0 = due(k)
				}
				res, err := client.Do(reqs[k])
				lat[k] = time.Since(t0)
				if err != nil || res.StatusCode != http.StatusOK {
					failed.Add(1)
				}
				if res != nil {
					_, _ = io.Copy(io.Discard, res.Body)
					_ = res.Body.Close()
				}
			}
		})
	}
	for k := range n {
		if interval > 0 {
			time.Sleep(time.Until(due(k)))
		}
		next <- k
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(start)
	if f := failed.Load(); f > 0 {
		b.Errorf("%s: %d of %d deliveries were not acknowledged with 200", prefix, f, n)
	}
	slices.Sort(lat)
	return loadResult{p50: lat[n/2], p99: lat[n*99/100], rate: float64(n) / elapsed.Seconds()}
}

// BenchmarkWebhookAckInProcess paces the storm at 1,000/s against the bot
// running in the test process, so that go test's profiles cover the
// server: go test ./pkg/e2e -run '^$' -bench WebhookAckInProcess
// -benchtime 1x -cpuprofile cpu.out -mutexprofile mutex.out -memprofile
// mem.out. The figures of record are BenchmarkWebhookAck's (a real process,
// without the simulator and the load in its heap).
func BenchmarkWebhookAckInProcess(b *testing.B) {
	h := stormBot(b)
	h.Sim.SetFirstTimer("newbie")
	n := h.Sim.AddPull(stormRepo, githubsim.Pull{Issue: githubsim.Issue{Title: "docs: fix a typo", User: "newbie"}})
	body := h.Sim.PullRequestEvent("opened", stormRepo, n, "newbie")
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: stormSenders}}
	for i := 0; i < b.N; i++ {
		paced := sendLoad(b, client, h.URL, body, fmt.Sprintf("inproc-%d", i), stormDeliveries, stormSenders, time.Millisecond)
		b.ReportMetric(float64(paced.p50.Microseconds())/1000, "ack-p50-ms")
		b.ReportMetric(float64(paced.p99.Microseconds())/1000, "ack-p99-ms")
		if err := h.Wait(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSweepPolicies measures what reading every repository's policy
// costs a sweep: `mentorbot remind` over an org of 100 repositories, of which
// 20 have a .github directory and 3 a .github/mentorbot.yml (each enrolling
// one mentee), then the same sweep again with nothing changed. The first
// sweep lists each repository's root once and the .github directories once;
// the second must cost only conditional requests (304s, free of rate limit)
// for the policy reads. `make bench` runs it.
func BenchmarkSweepPolicies(b *testing.B) {
	for i := 0; i < b.N; i++ {
		h := simbot.MustStart(b, simbot.Options{})
		h.Sim.AddOrg("octo-org", "mentor-one")
		h.Sim.AddRepo("octo-org/.github", githubsim.RepoOptions{Files: map[string]string{"mentorbot.yml": "program:\n  name: Term\n  tracking_repo: octo-org/mentorship\nreviews:\n  wait: 72h\n"}})
		h.Sim.AddRepo("octo-org/mentorship", githubsim.RepoOptions{})
		names := []string{"octo-org/.github", "octo-org/mentorship"}
		withPolicy := map[int]string{10: "bob", 50: "carol", 90: "dave"}
		for r := 0; r < 100; r++ {
			name := fmt.Sprintf("octo-org/repo-%03d", r)
			files := map[string]string{"README.md": "# " + name + "\n"}
			if r%5 == 0 {
				files[".github/workflows/ci.yml"] = "on: push\n"
			}
			if login, ok := withPolicy[r]; ok {
				n := h.Sim.AddIssue("octo-org/mentorship", githubsim.Issue{Title: "Mentorship: @" + login, User: "mentor-one", Assignees: []string{login}})
				files[".github/mentorbot.yml"] = fmt.Sprintf("mentees:\n  - login: %s\n    tracking_issue: octo-org/mentorship#%d\n    mentors: [mentor-one]\n", login, n)
			}
			h.Sim.AddRepo(name, githubsim.RepoOptions{Files: files})
			names = append(names, name)
		}
		h.Sim.AddInstallation(1, "octo-org", names...)

		first := sweepCalls(b, h)
		second := sweepCalls(b, h)
		if second.policyFull != 0 {
			b.Errorf("second sweep: %d policy reads were not conditional", second.policyFull)
		}
		if first.mentees != 3 {
			b.Errorf("the sweep should see the 3 mentees of the repository files, saw %d", first.mentees)
		}
		b.ReportMetric(float64(first.total), "first-sweep-calls")
		b.ReportMetric(float64(first.policy()), "first-sweep-policy-calls")
		b.ReportMetric(float64(second.total), "second-sweep-calls")
		b.ReportMetric(float64(second.conditional), "second-sweep-304s")
		fmt.Printf("sweep over 100 repositories (20 with .github/, 3 with mentorbot.yml): first %d GitHub calls (%d to find and read policies), second %d calls (%d answered 304; policy reads: %d conditional, %d full)\n",
			first.total, first.policy(), second.total, second.conditional, second.policyConditional, second.policyFull)
		_ = h.Stop()
	}
}

type sweepCost struct {
	total, conditional                     int
	policyConditional, policyFull, mentees int
}

func (c sweepCost) policy() int { return c.policyConditional + c.policyFull }

// sweepCalls runs `remind` and counts its GitHub calls (token minting
// aside); policy reads are the contents and repository-metadata reads.
func sweepCalls(b *testing.B, h *simbot.Bot) sweepCost {
	b.Helper()
	h.Sim.ResetRequests()
	report := runRemind(b, h)
	var c sweepCost
	for _, r := range h.Sim.Requests() {
		if strings.HasSuffix(r.Path, "/access_tokens") {
			continue
		}
		c.total++
		if r.Status == http.StatusNotModified {
			c.conditional++
		}
		if r.OperationID == "repos/get-content" || r.OperationID == "repos/get" {
			if r.Status == http.StatusNotModified {
				c.policyConditional++
			} else {
				c.policyFull++
			}
		}
	}
	for _, login := range []string{"bob", "carol", "dave"} {
		if strings.Contains(report, login) {
			c.mentees++
		}
	}
	return c
}
