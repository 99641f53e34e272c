package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/githubsim"
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

// BenchmarkWebhookAck measures what GitHub sees: the acknowledgement latency
// of 2,000 signed pull_request deliveries from 32 concurrent senders against
// a real `mentorbot serve` process talking to the simulator, the deliveries
// per second, and the process's idle and peak RSS. `make bench` runs it.
func BenchmarkWebhookAck(b *testing.B) {
	const (
		deliveries = 2000
		senders    = 32
	)
	sim, err := githubsim.New(githubsim.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = sim.Close()
		for _, v := range sim.Violations() {
			b.Errorf("github simulator: %s", v)
		}
	}()
	sim.AddUser("contributor", "User")
	sim.AddRepo("octo-org/app", githubsim.RepoOptions{})
	sim.AddInstallation(7, "octo-org", "octo-org/app")
	sim.AddPull("octo-org/app", githubsim.Pull{Issue: githubsim.Issue{Title: "feat: x", User: "contributor", AuthorAssociation: "CONTRIBUTOR"}})
	body := sim.PullRequestEvent("opened", "octo-org/app", 1, "contributor")

	// A burst of 4,000 deliveries must fit the queue: size it like an operator
	// expecting bursts would (the default is 1,000).
	p := startServe(b, sim, "  queue_size: 5000\n")
	pid := p.cmd.Process.Pid
	time.Sleep(500 * time.Millisecond)
	idle, err := rssKB(pid, "VmRSS")
	if err != nil {
		b.Fatal(err)
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: senders}}
	for i := 0; i < b.N; i++ {
		// Paced at 1,000 deliveries/s: the latency GitHub sees at that rate.
		paced := sendLoad(b, client, p.url, body, fmt.Sprintf("paced-%d", i), deliveries, senders, time.Millisecond)
		// Unpaced: how many deliveries/s the server acknowledges at most.
		burst := sendLoad(b, client, p.url, body, fmt.Sprintf("burst-%d", i), deliveries, senders, 0)
		peak, err := rssKB(pid, "VmHWM")
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(paced.p50.Microseconds())/1000, "ack-p50-ms")
		b.ReportMetric(float64(paced.p99.Microseconds())/1000, "ack-p99-ms")
		b.ReportMetric(paced.rate, "paced-deliveries/s")
		b.ReportMetric(burst.rate, "max-deliveries/s")
		b.ReportMetric(float64(burst.p99.Microseconds())/1000, "burst-ack-p99-ms")
		b.ReportMetric(float64(idle)/1024, "idle-RSS-MB")
		b.ReportMetric(float64(peak)/1024, "peak-RSS-MB")
		fmt.Printf("webhook ack at 1,000/s: %d deliveries from %d senders: p50 %s, p99 %s (%.0f deliveries/s achieved)\n",
			deliveries, senders, paced.p50.Round(time.Microsecond), paced.p99.Round(time.Microsecond), paced.rate)
		fmt.Printf("webhook ack unpaced:   %d deliveries from %d senders: p50 %s, p99 %s, %.0f deliveries/s\n",
			deliveries, senders, burst.p50.Round(time.Microsecond), burst.p99.Round(time.Microsecond), burst.rate)
		fmt.Printf("RSS: idle %.1f MB, peak %.1f MB\n", float64(idle)/1024, float64(peak)/1024)
	}
}

type loadResult struct {
	p50, p99 time.Duration
	rate     float64
}

// sendLoad sends n signed deliveries from c concurrent senders, one every
// interval overall (0: as fast as they can), and fails the benchmark if any
// is not acknowledged with 200.
func sendLoad(b *testing.B, client *http.Client, url string, body []byte, prefix string, n, c int, interval time.Duration) loadResult {
	lat := make([]time.Duration, n)
	var failed atomic.Int64
	var wg sync.WaitGroup
	next := make(chan int)
	start := time.Now()
	for s := 0; s < c; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				req, _ := NewDelivery(url+"/api/github/hook", Secret, "pull_request", fmt.Sprintf("%s-%d", prefix, k), body)
				t0 := time.Now()
				res, err := client.Do(req)
				lat[k] = time.Since(t0)
				if err != nil || res.StatusCode != http.StatusOK {
					failed.Add(1)
				}
				if res != nil {
					_, _ = io.Copy(io.Discard, res.Body)
					_ = res.Body.Close()
				}
			}
		}()
	}
	var tick *time.Ticker
	if interval > 0 {
		tick = time.NewTicker(interval)
		defer tick.Stop()
	}
	for k := 0; k < n; k++ {
		if tick != nil {
			<-tick.C
		}
		next <- k
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(start)
	if f := failed.Load(); f > 0 {
		b.Errorf("%s: %d of %d deliveries were not acknowledged with 200", prefix, f, n)
	}
	sort.Slice(lat, func(a, c int) bool { return lat[a] < lat[c] })
	return loadResult{p50: lat[n/2], p99: lat[n*99/100], rate: float64(n) / elapsed.Seconds()}
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
		h := MustStart(b, Options{})
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
func sweepCalls(b *testing.B, h *Harness) sweepCost {
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
