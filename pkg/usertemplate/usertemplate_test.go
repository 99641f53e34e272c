package usertemplate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"text/template"
	"time"
)

func TestRender(t *testing.T) {
	data := struct {
		Name  string
		Names []string
	}{"alice", []string{"bob", "carol"}}
	upper := template.FuncMap{"up": strings.ToUpper}
	tests := []struct {
		src, want, wantErr string
		max                int
	}{
		{src: "hi {{ up .Name }}", want: "hi ALICE", max: 100},
		{src: "{{range .Names}}{{.}} {{end}}", want: "bob carol ", max: 100},
		{src: "{{range $i, $n := .Names}}{{$i}}={{$n}} {{else}}none{{end}}", want: "0=bob 1=carol ", max: 100},
		{src: `{{define "x"}}[{{.}}]{{end}}{{range .Names}}{{template "x" .}}{{end}}`, want: "[bob][carol]", max: 100},
		{src: `{{printf "%-6s|%.2f" .Name 1.5}} {{print 1 "a"}} {{html "<"}} {{js "'"}} {{urlquery "a b"}}`, want: `alice |1.50 1a &lt; \' a+b`, max: 100},
		{src: "{{ .Nope }}", wantErr: "execute", max: 100},
		{src: "{{ if }}", wantErr: "parse", max: 100},
		{src: "  {{/* nothing */}}  ", wantErr: "renders an empty welcome", max: 100},
		{src: "{{ .Name }}{{ .Name }}", wantErr: "renders more than the 8 characters a welcome may hold", max: 8},
	}
	for _, tc := range tests {
		got, err := Render(context.Background(), "t", "welcome", tc.src, upper, data, tc.max)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Render(%q) error = %v, want %q", tc.src, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Render(%q) = %q, %v; want %q", tc.src, got, err, tc.want)
		}
	}
}

// Every hostile template stops at a limit, with the line it concerns where
// there is one, well within the time budget, and without building more
// than the output limit.
func TestRenderHostile(t *testing.T) {
	many := make([]string, 1000)
	data := struct {
		Name string
		Many []string
		N    int
	}{Name: "alice", Many: many, N: 1 << 40}
	esc := template.FuncMap{"text": func(s string) string { return strings.ReplaceAll(s, `\`, `\\`) }}
	chain := func(n int, f, arg string) string {
		return "{{" + strings.Repeat(f+" (", n) + arg + strings.Repeat(")", n) + "}}"
	}
	fanout := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, `{{define "t%d"}}{{template "t%d"}}{{template "t%d"}}{{end}}`, i, i+1, i+1)
		}
		fmt.Fprintf(&b, `{{define "t%d"}}x{{end}}{{template "t0"}}`, n)
		return b.String()
	}
	tests := []struct {
		name, src, wantErr string
		wantLine           int
	}{
		{"integer range", "hello\n{{range 100000000000}}{{end}}hello", "range over a number", 2},
		{"integer range in a variable", "{{$n := 100000000000}}\n\n{{range $n}}{{end}}hello", "range over an integer", 3},
		{"integer range from data", "{{range .N}}{{end}}hello", "range over an integer", 1},
		{"integer range in a pipeline", "{{range len .Many | print | len}}{{end}}hello", "range over an integer", 1},
		{"nested ranges too deep", "{{range .Many}}\n{{range $.Many}}{{range $.Many}}{{range $.Many}}x{{end}}{{end}}{{end}}{{end}}", "nested more than 3 deep", 2},
		{"nested ranges", "{{range .Many}}{{range $.Many}}{{range $.Many}}{{end}}{{end}}{{end}}", "takes more than 10000 steps", 1},
		{"huge output", "{{range .Many}}{{range $.Many}}" + strings.Repeat("x", 100) + "{{end}}{{end}}", "renders more than the 60000 characters", 0},
		{"doubling variable", "{{$a := .Name}}" + strings.Repeat("{{$a = print $a $a}}", 60) + "{{$a}}", "print builds a string of more than 60000", 0},
		{"doubling escaper", chain(60, "js", `"'"`), "js builds a string of more than 60000", 0},
		{"doubling caller function", chain(60, "text", `"\\"`), "text builds a string of more than 60000", 0},
		{"printf padding", strings.Repeat(`{{printf "%01000000d" 1}}`, 100), "printf builds a string", 0},
		{"printf star width", `{{printf "%*d" 1000000 1}}`, "not allowed", 0},
		{"recursive template", `{{define "a"}}x{{template "a"}}{{end}}{{template "a"}}`, `template "a" calls itself`, 1},
		{"mutually recursive templates", "{{define \"a\"}}{{template \"b\"}}{{end}}\n{{define \"b\"}}{{template \"a\"}}{{end}}{{template \"a\"}}", `template "a" calls itself`, 2},
		{"exponential template calls", fanout(40), "takes more than 10000 steps", 0},
		{"reserved function", "{{mentorbot_step 0 0}}x", "reserved", 1},
		{"call", "{{call .Name}}", "call is not allowed", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The time limit is checked at each step, so a render may
			// overrun it by one step and the unwinding; the race detector
			// slows both.
			slack := MaxTime / 2
			if raceEnabled {
				slack = 2 * MaxTime
			}
			start := time.Now()
			_, err := Render(context.Background(), "welcome", "welcome", tc.src, esc, data, 60000)
			if d := time.Since(start); d > MaxTime+slack {
				t.Errorf("took %v, more than the %v budget", d, MaxTime)
			}
			var le *LimitError
			if !errors.As(err, &le) {
				t.Fatalf("Render error = %v, want a *LimitError", err)
			}
			if raceEnabled && strings.Contains(le.Reason, "takes longer than") {
				return // the time limit came first
			}
			if !strings.Contains(le.Error(), tc.wantErr) {
				t.Errorf("Render error = %q, want %q", le, tc.wantErr)
			}
			if tc.wantLine != 0 && le.Line != tc.wantLine {
				t.Errorf("Render error line = %d, want %d (%v)", le.Line, tc.wantLine, le)
			}
		})
	}
}

// The caller's context bounds the render too: a cancelled one stops it at
// once.
func TestRenderCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Render(ctx, "t", "welcome", "{{range .}}{{.}}{{end}}", nil, []int{1, 2}, 100)
	var le *LimitError
	if !errors.As(err, &le) || !strings.Contains(le.Reason, "cancelled") {
		t.Errorf("Render error = %v, want cancelled", err)
	}
}

func TestFormatPadding(t *testing.T) {
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{"plain", 0, false},
		{"%d %s", 0, false},
		{"%5d|%-10s|%.3f|%8.2f", 5 + 10 + 3 + 8 + 2, false},
		{"%%100", 0, false},
		{"%[2]d", 2, false},
		{"%*d", 0, true},
		{"%99999999999d", 1e7, false},
	}
	for _, tc := range tests {
		got, err := formatPadding(tc.in)
		if (err != nil) != tc.wantErr || (!tc.wantErr && got < tc.want) {
			t.Errorf("formatPadding(%q) = %d, %v; want %d (error %v)", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}
