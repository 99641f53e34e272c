package commands

import (
	"path/filepath"
	"strings"
	"testing"

	goldenfile "github.com/thanos-community/mentorbot/internal/golden"
	"github.com/thanos-community/mentorbot/pkg/markers"
)

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", "golden", name), got)
}

func TestDeniedReply(t *testing.T) {
	for _, n := range []Name{MenteeTask, MenteeTaskCancel, MeetupPresent, MeetupWithdraw, Digest} {
		t.Run(string(n), func(t *testing.T) {
			got := DeniedReply(n, "some-user", 1234)
			if !markers.Has(got, ReplyMarkerKind, "1234") {
				t.Errorf("reply lacks its marker:\n%s", got)
			}
			golden(t, "denied-"+strings.ReplaceAll(string(n), " ", "-")+".md", got)
		})
	}
}

func TestErrorReply(t *testing.T) {
	for _, tc := range []struct{ name, body string }{
		{"unexpected-text", "/mentee-task please do"},
		{"invalid-login", "/mentee-task @<script>"},
		{"unknown-subcommand", "/meetup cancel"},
		{"missing-subcommand", "/mentorbot"},
		{"missing-title", "thanks\n/meetup present"},
		{"title-too-long", "/meetup present " + strings.Repeat("x ", MaxTitleLen)},
		{"withdraw-junk", "/meetup withdraw @alice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.body)
			if err == nil {
				t.Fatal("Parse() returned no error")
			}
			got := ErrorReply(err, "some-user", 99)
			if !markers.Has(got, ReplyMarkerKind, "99") {
				t.Errorf("reply lacks its marker:\n%s", got)
			}
			// The user's text may only appear as inline code.
			if strings.Contains(strings.ReplaceAll(got, "` @<script> `", ""), "<script>") {
				t.Errorf("reply carries raw HTML from the comment:\n%s", got)
			}
			golden(t, "error-"+tc.name+".md", got)
		})
	}
}

func TestSpecsCoverEveryCommand(t *testing.T) {
	for _, n := range []Name{MenteeTask, MenteeTaskCancel, MeetupPresent, MeetupWithdraw, Digest} {
		s, ok := Lookup(n)
		if !ok || s.Who == "" || s.Does == "" || len(s.Usage) == 0 {
			t.Errorf("command %q is not documented: %+v", n, s)
		}
		for _, u := range s.Usage {
			if _, err := Parse(strings.ReplaceAll(strings.ReplaceAll(u, "<title>", "T"), "@login", "@alice")); err != nil {
				t.Errorf("usage %q does not parse: %v", u, err)
			}
		}
	}
	if _, ok := Lookup("nope"); ok {
		t.Error("Lookup found an unknown command")
	}
}

func TestHelpTextWho(t *testing.T) {
	for n, want := range map[Name]string{
		MenteeTask:    "mentors listed in the programme policy",
		MeetupPresent: "mentees of the programme",
		Digest:        "their mentors",
	} {
		if got := HelpText(n); !strings.Contains(got, want) {
			t.Errorf("HelpText(%q) lacks %q:\n%s", n, want, got)
		}
	}
}
