package commands

import (
	"reflect"
	"strings"
	"testing"

	"github.com/thanos-community/mentorbot/pkg/mdsafe"
)

// FuzzParse checks that Parse never panics and that what it returns is
// well-formed: known names, lines inside the body, valid logins, one-line
// titles, and commands that parse back to themselves. Seeds live in
// testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add("/mentee-task @alice\r\n/meetup present A talk")
	f.Fuzz(func(t *testing.T, body string) {
		cmds, err := Parse(body)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error %T is not a *ParseError", err)
			}
			_ = ErrorReply(err, "someone", 1)
		}
		lines := strings.Count(body, "\n") + strings.Count(body, "\r") + 1
		prev := 0
		for _, c := range cmds {
			if _, ok := Lookup(c.Name); !ok {
				t.Fatalf("unknown command name %q", c.Name)
			}
			if c.Line < 1 || c.Line > lines || c.Line <= prev {
				t.Fatalf("command %v on line %d of %d (previous %d)", c, c.Line, lines, prev)
			}
			prev = c.Line
			if l := c.Login(); l != "" && !mdsafe.ValidLogin(l) {
				t.Fatalf("invalid login %q", l)
			}
			for _, a := range c.Args {
				if a == "" || strings.ContainsAny(a, "\r\n") || strings.Contains(a, "<!--") {
					t.Fatalf("bad argument %q", a)
				}
			}
			again, err := Parse(c.String())
			want := c
			want.Line = 1
			if err != nil || len(again) != 1 || !reflect.DeepEqual(again[0], want) {
				t.Fatalf("Parse(%q) = %v, %v; want %v", c.String(), again, err, want)
			}
		}
	})
}
