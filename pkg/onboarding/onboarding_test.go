package onboarding

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	goldenfile "github.com/thanos-community/mentorbot/internal/golden"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name+".golden"), got)
}

var mentionRe = regexp.MustCompile(`@([A-Za-z0-9][A-Za-z0-9-]*)`)

// checkMentions fails when body mentions anyone but the allowed logins.
func checkMentions(t *testing.T, body string, allowed ...string) {
	t.Helper()
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	for _, m := range mentionRe.FindAllStringSubmatch(body, -1) {
		if !ok[m[1]] {
			t.Errorf("body mentions @%s", m[1])
		}
	}
}

func thanosPolicy(t *testing.T) (policy.Policy, policy.Mentee) {
	t.Helper()
	start, err := policy.ParseDate("2026-09-01")
	if err != nil {
		t.Fatal(err)
	}
	end, err := policy.ParseDate("2026-11-30")
	if err != nil {
		t.Fatal(err)
	}
	p := policy.Default()
	p.Program = policy.Program{
		Name:            "LFX Mentorship 2026 Term 3",
		ContributingURL: "https://thanos.io/tip/contributing/CONTRIBUTING.md/",
		Channels:        "#thanos-dev on CNCF Slack",
		TrackingRepo:    "thanos-io/thanos",
	}
	m := policy.Mentee{Login: "alice", Mentors: []string{"mentor-one", "mentor-two"}, Start: start, End: end}
	p.Mentees = []policy.Mentee{m}
	return p, m
}

func TestChecklistGolden(t *testing.T) {
	p, m := thanosPolicy(t)
	thanos := NewData(p, m)

	promPolicy, promMentee := thanosPolicy(t)
	promPolicy.Program = policy.Program{Name: "GSoC 2026", Channels: "#prometheus-dev on CNCF Slack", TrackingRepo: "prometheus/prometheus"}
	promMentee.Login = "bob"
	promMentee.Mentors = []string{"mentor-one"}
	prom := NewData(promPolicy, promMentee)

	minimal := Data{Mentee: "carol"}

	hostile := thanos
	hostile.Program = "Term @everyone <img src=x>"
	hostile.Channels = "#dev <!-- --> @thanos-io/maintainers [x](javascript:alert(1))"
	hostile.ContributingURL = "javascript:alert(1)"
	hostile.Mentors = []string{"mentor-one", "not a login @evil"}

	for _, tc := range []struct {
		name   string
		data   Data
		custom string
		warn   bool
	}{
		{name: "checklist_thanos", data: thanos},
		{name: "checklist_prometheus", data: prom},
		{name: "checklist_minimal", data: minimal},
		{name: "checklist_hostile", data: hostile},
		{name: "checklist_custom", data: thanos, custom: "Hi {{mention .Mentee}}! Mentors: {{mentions .Mentors}}.\n\n- [ ] Read {{url .ContributingURL}}\n{{if .Prometheus}}- [ ] Join the Prometheus chat\n{{end}}"},
		{name: "checklist_broken_parse", data: thanos, custom: "Hi {{mention .Mentee", warn: true},
		{name: "checklist_broken_exec", data: thanos, custom: "Hi {{.Nickname}}", warn: true},
		{name: "checklist_empty_output", data: thanos, custom: "{{if .Prometheus}}only for Prometheus{{end}}", warn: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, warn := Checklist(context.Background(), tc.data, tc.custom)
			if (warn != nil) != tc.warn {
				t.Fatalf("warning = %v, want one: %v", warn, tc.warn)
			}
			golden(t, tc.name, body)
			checkMentions(t, body, tc.data.Mentee, "mentor-one", "mentor-two")
			if !HasChecklist(body, tc.data.Mentee) {
				t.Errorf("checklist lacks its marker: %+v", markers.Parse(body))
			}
			if tc.warn {
				builtin, _ := Checklist(context.Background(), tc.data, "")
				if body != builtin {
					t.Error("a broken template did not fall back to the built-in checklist")
				}
			}
		})
	}
}

func TestChecklistFollowsTheHandbook(t *testing.T) {
	p, m := thanosPolicy(t)
	body, warn := Checklist(context.Background(), NewData(p, m), "")
	if warn != nil {
		t.Fatal(warn)
	}
	for _, want := range []string{
		"Code of Conduct", "CNCF Slack", "Prometheus community chat", "your Slack handle",
		"say hello", "weekly 1:1", "[contributing guide](https://thanos.io/tip/contributing/CONTRIBUTING.md/)",
		"main issue", "#thanos-dev on CNCF Slack", "@mentor-one and @mentor-two",
	} {
		if !strings.Contains(strings.ReplaceAll(body, `\#`, "#"), want) {
			t.Errorf("checklist lacks %q", want)
		}
	}
	if n := strings.Count(body, "- [ ] "); n != 8 {
		t.Errorf("checklist has %d items, want 8", n)
	}
}

func TestChecklistWarningSaysWhat(t *testing.T) {
	_, warn := Checklist(context.Background(), Data{Mentee: "alice"}, "{{.Nope}}")
	if warn == nil || !strings.Contains(warn.Error(), "program.onboarding") || !strings.Contains(warn.Error(), "built-in") {
		t.Errorf("warning = %v", warn)
	}
	_, warn = Checklist(context.Background(), Data{Mentee: "alice"}, strings.Repeat("x", maxBody+1))
	if warn == nil {
		t.Error("an oversized checklist was accepted")
	}
}

func TestCheckTemplate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		src     string
		wantErr bool
	}{
		{name: "empty means built-in", src: ""},
		{name: "built-in", src: BuiltinChecklist},
		{name: "uses every function", src: "{{mention .Mentee}} {{mentions .Mentors}} {{text .Channels}} {{url .ContributingURL}} {{.DigestWhen}}"},
		{name: "unclosed action", src: "{{mention .Mentee", wantErr: true},
		{name: "unknown field", src: "{{.Nickname}}", wantErr: true},
		{name: "unknown function", src: "{{shout .Mentee}}", wantErr: true},
		{name: "renders nothing", src: "{{/* nothing */}}", wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := CheckTemplate(context.Background(), tc.src); (err != nil) != tc.wantErr {
				t.Errorf("CheckTemplate error = %v, wantErr %v", err, tc.wantErr)
			}
		})
	}
}

func TestNewData(t *testing.T) {
	p, m := thanosPolicy(t)
	p.Digest = policy.Digest{Weekday: policy.Weekday(time.Friday), Hour: 17, Timezone: "Europe/Warsaw"}
	d := NewData(p, m)
	if d.Prometheus {
		t.Error("a thanos-io mentee is not a Prometheus mentee")
	}
	if d.DigestWhen != "every Friday at 17:00 Europe/Warsaw" {
		t.Errorf("DigestWhen = %q", d.DigestWhen)
	}
	m.TrackingIssue = "prometheus/prometheus#17000"
	if !NewData(p, m).Prometheus {
		t.Error("the mentee's own tracking issue decides")
	}
}

func TestIsPrometheus(t *testing.T) {
	for ref, want := range map[string]bool{
		"prometheus/prometheus":                   true,
		"Prometheus/alertmanager#12":              true,
		"prometheus-community/helm-charts#1":      true,
		"thanos-io/thanos":                        false,
		"thanos-io/thanos#7000":                   false,
		"prometheus-operator/prometheus-operator": false,
		"": false,
	} {
		if got := IsPrometheus(ref); got != want {
			t.Errorf("IsPrometheus(%q) = %v, want %v", ref, got, want)
		}
	}
}

func TestTrackingTitle(t *testing.T) {
	for _, tc := range []struct {
		login, program, want string
	}{
		{"alice", "LFX Mentorship 2026 Term 3", "Mentorship: @alice (LFX Mentorship 2026 Term 3)"},
		{"alice", "", "Mentorship: @alice"},
		{"alice", "  GSoC\n2026 ", "Mentorship: @alice (GSoC 2026)"},
	} {
		if got := TrackingTitle(tc.login, tc.program); got != tc.want {
			t.Errorf("TrackingTitle(%q, %q) = %q, want %q", tc.login, tc.program, got, tc.want)
		}
	}
}

func TestTrackingBodyGolden(t *testing.T) {
	p, m := thanosPolicy(t)
	for _, tc := range []struct {
		name string
		data Data
	}{
		{"tracking_body", NewData(p, m)},
		{"tracking_body_minimal", Data{Mentee: "Carol"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := TrackingBody(tc.data)
			golden(t, tc.name, body)
			checkMentions(t, body, tc.data.Mentee, "mentor-one", "mentor-two")
			if !IsTrackingIssue(body, strings.ToUpper(tc.data.Mentee)) {
				t.Errorf("tracking body lacks its marker: %+v", markers.Parse(body))
			}
		})
	}
}
