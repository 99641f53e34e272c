package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/config"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// decodeStrict decodes one JSON value from dec and fails on a key that
// appears twice in one object, which encoding/json (and many log pipelines)
// would otherwise resolve silently by keeping one of the two.
func decodeStrict(dec *json.Decoder) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	switch t {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			key := k.(string)
			if seen[key] {
				return fmt.Errorf("duplicate key %q", key)
			}
			seen[key] = true
			if err := decodeStrict(dec); err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
		}
		_, err = dec.Token() // '}'
		return err
	case json.Delim('['):
		for dec.More() {
			if err := decodeStrict(dec); err != nil {
				return err
			}
		}
		_, err = dec.Token() // ']'
		return err
	}
	return nil
}

// strictLine checks that line is exactly one JSON object without duplicate
// keys and with a level and a message.
func strictLine(line string) error {
	dec := json.NewDecoder(strings.NewReader(line))
	if err := decodeStrict(dec); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("more than one JSON value on the line")
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		return err
	}
	if m["level"] == nil || m["message"] == nil || m["time"] == nil {
		return errors.New("no level, message or time")
	}
	return nil
}

func TestDecodeStrict(t *testing.T) {
	for _, tc := range []struct {
		line string
		ok   bool
	}{
		{`{"level":"info","time":"x","message":"m","a":{"b":1,"c":[{"d":1},{"d":2}]}}`, true},
		{`{"level":"info","time":"x","message":"m","sweep":"remind","sweep":"remind"}`, false},
		{`{"level":"info","time":"x","message":"m","a":{"b":1,"b":2}}`, false},
		{`{"level":"info","time":"x","message":"m"} {}`, false},
		{`{"level":"info","time":"x","message":"m"`, false},
		{`not json`, false},
	} {
		if err := strictLine(tc.line); (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok %v", tc.line, err, tc.ok)
		}
	}
}

// Every line the bot logs over a run with scheduled sweeps (remind and
// digest, per installation), webhooks (a pull request, a command, a
// redelivery) and a command-line sweep is one JSON object with no key
// twice, so strict log pipelines accept all of them.
func TestLogLinesAreStrictJSON(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{Start: day(16, 10), Config: func(c *config.Config) {
		c.Schedule.RemindEvery = 100 * time.Millisecond
		c.Schedule.Digest = true
	}})
	seedDigestOrg(t, h.Sim, digestPolicy, "alice", "bob", "carol")
	_, waiting, _, _ := seedAliceWeek(h.Sim)
	start := strings.Count(h.Logs.String(), "scheduled sweep done")
	if !waitFor(func() bool {
		logs := h.Logs.String()
		return strings.Count(logs, "scheduled sweep done") >= start+2 && strings.Contains(logs, `"github_installation_id":1`)
	}, 20*time.Second) {
		t.Fatalf("no scheduled sweep over the installation:\n%s", h.Logs.Tail(20))
	}
	h.MustDeliver(t, "pull_request", h.Sim.PullRequestEvent("opened", "org/app", waiting, "alice"))
	ev := commentEvent(t, h.Sim, "org/mentorship", 1, "alice", "/mentorbot digest")
	id := simbot.NextDeliveryID()
	for i := 0; i < 2; i++ { // the second is a redelivery, skipped
		if code, err := h.DeliverID("issue_comment", id, ev); err != nil || code != 200 {
			t.Fatalf("deliver: %d %v", code, err)
		}
	}
	if err := h.Wait(); err != nil {
		t.Fatal(err)
	}
	runDigest(t, h)

	logs := h.Logs.String()
	n := 0
	for i, line := range strings.Split(strings.TrimRight(logs, "\n"), "\n") {
		n++
		if err := strictLine(line); err != nil {
			t.Errorf("log line %d: %v\n%s", i+1, err, line)
		}
	}
	for _, want := range []string{`"sweep":"remind"`, `"sweep":"digest"`, `"github_event_type":"pull_request"`, `"github_event_type":"issue_comment"`, `"took_seconds":`} {
		if !strings.Contains(logs, want) {
			t.Errorf("the run did not log %s; it does not exercise what it should", want)
		}
	}
	if bytes.Contains([]byte(logs), []byte(`"took":`)) {
		t.Error(`a duration is logged as "took", without its unit`)
	}
	t.Logf("%d log lines decoded strictly", n)
}
