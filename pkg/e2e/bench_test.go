package e2e

import (
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
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
	defer func() { _ = sim.Close() }()
	sim.AddUser("contributor", "User")
	sim.AddRepo("octo-org/app", githubsim.RepoOptions{})
	sim.AddInstallation(7, "octo-org", "octo-org/app")
	sim.AddPull("octo-org/app", githubsim.Pull{Issue: githubsim.Issue{Title: "feat: x", User: "contributor", AuthorAssociation: "CONTRIBUTOR"}})
	body := sim.PullRequestEvent("opened", "octo-org/app", 1, "contributor")

	p := startServe(b, sim, "")
	pid := p.cmd.Process.Pid
	time.Sleep(500 * time.Millisecond)
	idle, err := rssKB(pid, "VmRSS")
	if err != nil {
		b.Fatal(err)
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: senders}}
	for i := 0; i < b.N; i++ {
		lat := make([]time.Duration, deliveries)
		var failed int
		var mu sync.Mutex
		var wg sync.WaitGroup
		next := make(chan int)
		start := time.Now()
		for s := 0; s < senders; s++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := range next {
					req, _ := NewDelivery(p.url+"/api/github/hook", Secret, "pull_request", fmt.Sprintf("bench-%d-%d", i, n), body)
					t0 := time.Now()
					res, err := client.Do(req)
					lat[n] = time.Since(t0)
					if err != nil || res.StatusCode != http.StatusOK {
						mu.Lock()
						failed++
						mu.Unlock()
					}
					if res != nil {
						_ = res.Body.Close()
					}
				}
			}()
		}
		for n := 0; n < deliveries; n++ {
			next <- n
		}
		close(next)
		wg.Wait()
		elapsed := time.Since(start)
		sort.Slice(lat, func(a, c int) bool { return lat[a] < lat[c] })
		p50, p99 := lat[deliveries/2], lat[deliveries*99/100]
		peak, err := rssKB(pid, "VmHWM")
		if err != nil {
			b.Fatal(err)
		}
		if failed > 0 {
			b.Errorf("%d of %d deliveries were not acknowledged with 200", failed, deliveries)
		}
		b.ReportMetric(float64(p50.Microseconds())/1000, "ack-p50-ms")
		b.ReportMetric(float64(p99.Microseconds())/1000, "ack-p99-ms")
		b.ReportMetric(float64(deliveries)/elapsed.Seconds(), "deliveries/s")
		b.ReportMetric(float64(idle)/1024, "idle-RSS-MB")
		b.ReportMetric(float64(peak)/1024, "peak-RSS-MB")
		fmt.Printf("webhook ack: %d deliveries from %d senders in %s: p50 %s, p99 %s, %.0f deliveries/s; RSS idle %.1f MB, peak %.1f MB\n",
			deliveries, senders, elapsed.Round(time.Millisecond), p50, p99, float64(deliveries)/elapsed.Seconds(), float64(idle)/1024, float64(peak)/1024)
	}
}
