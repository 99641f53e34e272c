package policy

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// MaxFileSize is the largest policy file read, by check-config and by the
// Loader (go-githubapp's appconfig has no limit of its own). A roster of a
// few hundred mentees is far smaller.
const MaxFileSize = 256 << 10

// Report is what `mentorbot check-config` says about a policy file.
type Report struct {
	// Policy is built from the valid parts of the file, as Parse returns it.
	Policy Policy
	// Problems make the file invalid; check-config exits non-zero.
	Problems []Problem
	// Warnings are allowed but probably not what was meant, such as a roster
	// entry whose term has ended; check-config prints them and succeeds.
	Warnings []Problem

	// values locates the file's values by path ("welcome.message",
	// "mentees[0].tracking_issue"), for the checks made outside this
	// package (templates, GitHub lookups).
	values map[string]*yaml.Node
	// rosterAt locates each entry of Policy.Mentees in the file.
	rosterAt []entryPos
}

// Line is the line of the file where the value at path starts; 0 when the
// file does not set it.
func (r Report) Line(path string) int {
	if n := r.values[path]; n != nil {
		return n.Line
	}
	return 0
}

// TemplateLine is the line of the file holding line n (from 1) of the
// template at path: a block scalar ("|" or ">") starts on the line after
// its key; a quoted or plain one on the key's line, where only an estimate
// is possible for a multi-line one.
func (r Report) TemplateLine(path string, n int) int {
	v := r.values[path]
	if v == nil {
		return 0
	}
	if n < 1 {
		return v.Line
	}
	if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return v.Line + n
	}
	return v.Line + n - 1
}

// MenteePath is the path of Policy.Mentees[i] in the file, "mentees[k]";
// entries left out before it (Policy.Skipped) make k larger than i.
func (r Report) MenteePath(i int) string {
	if i < len(r.rosterAt) {
		return fmt.Sprintf("mentees[%d]", r.rosterAt[i].index)
	}
	return fmt.Sprintf("mentees[%d]", i)
}

// Check parses data like Parse, and adds the warnings that depend on the
// date: now is compared with each mentee's term in digest.timezone.
func Check(data []byte, now time.Time) Report {
	r := parseLayers([]Layer{{Data: data}})
	values := locate(data)
	w := append(emptiness(data, values, r), warnings(r, now)...)
	return Report{Policy: r.policy, Problems: r.problems, Warnings: w, values: values, rosterAt: r.rosterAt}
}

// emptiness warns about a file that, as an org policy, would leave the
// programme with nobody in it: the Loader cannot tell an org policy that
// lost its roster from one that never had one, so check-config says so
// before it is committed. A repository's own file needs no roster.
func emptiness(data []byte, values map[string]*yaml.Node, r parsed) []Problem {
	if r.fatal > 0 {
		return nil // the problems say more
	}
	if len(values) == 0 {
		return []Problem{{Message: "the file sets nothing: as the org policy it has no mentees, so nobody is labelled, reminded or sent a digest; " +
			"a repository's .github/mentorbot.yml may be empty, but then it changes nothing"}}
	}
	n, ok := values["mentees"]
	switch {
	case !ok:
		return []Problem{{Path: "mentees", Message: "no roster: fine for a repository's .github/mentorbot.yml, " +
			"but as the org policy it means nobody is a mentee, so nobody is labelled, reminded or sent a digest"}}
	case len(r.policy.Mentees) == 0:
		return []Problem{{Line: n.Line, Path: "mentees", Message: "the roster has no usable entry: as the org policy it means nobody is a mentee, so nobody is labelled, reminded or sent a digest"}}
	}
	return nil
}

// locate indexes the values of a policy file by path, for Report.Line.
// Parse has already read the file, so problems are not repeated here.
func locate(data []byte) map[string]*yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	out := map[string]*yaml.Node{}
	budget := maxNodes
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		if budget--; budget < 0 {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := n.Content[i].Value
				if path != "" {
					p = path + "." + p
				}
				out[p] = n.Content[i+1]
				walk(n.Content[i+1], p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				out[p] = c
				walk(c, p)
			}
		}
	}
	walk(doc.Content[0], "")
	return out
}

// ReadFile reads a policy file from disk and checks it. The error is for a
// file that cannot be read; everything wrong with its content is a Problem.
func ReadFile(path string, now time.Time) (Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return Report{}, fmt.Errorf("open policy file: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return Report{}, fmt.Errorf("read policy file %s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return Report{Policy: Default(), Problems: []Problem{{Message: fmt.Sprintf("file is larger than %d KiB", MaxFileSize>>10)}}}, nil
	}
	return Check(data, now), nil
}

// CheckFile validates a policy file for `mentorbot check-config FILE`: it
// returns every problem, in file order; none means the file is valid. The
// error is for a file that cannot be read. ReadFile also gives warnings.
func CheckFile(path string) ([]Problem, error) {
	r, err := ReadFile(path, time.Now())
	return r.Problems, err
}

func warnings(r parsed, now time.Time) []Problem {
	p := r.policy
	var out []Problem
	today := now.In(p.Digest.Location())
	day := Date{Year: today.Year(), Month: today.Month(), Day: today.Day()}
	for i, m := range p.Mentees {
		var at entryPos
		if i < len(r.rosterAt) {
			at = r.rosterAt[i]
		}
		path := fmt.Sprintf("mentees[%d]", at.index)
		if !m.End.IsZero() && m.End.Before(day) {
			out = append(out, Problem{Line: at.line, Path: path + ".end", Source: at.source,
				Message: fmt.Sprintf("the term of %s ended on %s; the entry only serves the last digest and the learnings roll-up", m.Login, m.End)})
		}
		if m.TrackingIssue == "" && p.Program.TrackingRepo == "" {
			out = append(out, Problem{Line: at.line, Path: path, Source: at.source,
				Message: fmt.Sprintf("%s has no tracking_issue and program.tracking_repo is not set, so the bot has nowhere to open one", m.Login)})
		}
	}
	if strings.EqualFold(p.Labels.MenteePR, p.Labels.MenteeTask) {
		out = append(out, Problem{Path: "labels",
			Message: fmt.Sprintf("mentee_pr and mentee_task are both %q, so PRs and tasks cannot be told apart", p.Labels.MenteePR)})
	}
	return out
}
