package policy

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
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
}

// Check parses data like Parse, and adds the warnings that depend on the
// date: now is compared with each mentee's term in digest.timezone.
func Check(data []byte, now time.Time) Report {
	r := parseLayers([]Layer{{Data: data}})
	return Report{Policy: r.policy, Problems: r.problems, Warnings: warnings(r, now)}
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
