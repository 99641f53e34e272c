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
