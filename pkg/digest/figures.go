package digest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/thanos-community/mentorbot/pkg/markers"
)

// Marker kinds written by this package. Digest keys are week names
// ("2026-W48"); the programme-end texts are keyed by the mentee's login in
// lower case (see LoginKey).
const (
	KindDigest        = markers.KindDigest
	KindPreview       = "digest-preview"
	KindRetroReminder = "retro-reminder"
	KindRetro         = markers.KindRetro
	KindTermReport    = markers.KindTermReport
)

// Figures are a digest's counts. They are carried in the digest's marker so
// that next week's digest can show a trend without searching GitHub again.
type Figures struct {
	Opened          int // pull requests opened
	Merged          int // pull requests merged
	Closed          int // pull requests closed without merging
	Open            int // pull requests still open
	Reviews         int // reviews given
	IssuesOpened    int
	IssuesCommented int
	Tasks           int // mentee tasks assigned
}

// figureKeys is the order and spelling of Figures in marker data. New keys
// may be added; old digests without them decode as zero.
var figureKeys = []string{"opened", "merged", "closed", "open", "reviews", "issues", "commented", "tasks"}

func (f *Figures) fields() []*int {
	return []*int{&f.Opened, &f.Merged, &f.Closed, &f.Open, &f.Reviews, &f.IssuesOpened, &f.IssuesCommented, &f.Tasks}
}

// EncodeFigures renders f as marker data: "opened=2 merged=1 closed=0 ...".
func EncodeFigures(f Figures) string {
	parts := make([]string, 0, len(figureKeys))
	for i, p := range f.fields() {
		parts = append(parts, figureKeys[i]+"="+strconv.Itoa(*p))
	}
	return strings.Join(parts, " ")
}

// DecodeFigures parses marker data written by EncodeFigures. Missing keys are
// zero and unknown keys are skipped, so digests written by older or newer
// versions still decode; a malformed pair is an error.
func DecodeFigures(s string) (Figures, error) {
	var f Figures
	fields := f.fields()
	for _, pair := range strings.Fields(s) {
		k, v, ok := strings.Cut(pair, "=")
		if !ok {
			return Figures{}, fmt.Errorf("digest figures: %q is not key=value", pair)
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return Figures{}, fmt.Errorf("digest figures: %q is not a count", pair)
		}
		for i, key := range figureKeys {
			if key == k {
				*fields[i] = n
			}
		}
	}
	return f, nil
}

// DigestMarker returns the marker of the digest for week w carrying f.
func DigestMarker(w Week, f Figures) markers.Marker {
	return markers.Marker{Kind: KindDigest, Key: w.String(), Data: EncodeFigures(f)}
}

// Posted reports whether body (a comment) is the digest for week w.
func Posted(body string, w Week) bool { return markers.Has(body, KindDigest, w.String()) }

// FromComment reads the week and figures from a digest comment's marker, for
// next week's trend. It reports false when body is not a digest (a preview is
// not one) or its figures cannot be read.
func FromComment(body string) (Week, Figures, bool) {
	m, ok := markers.Find(body, KindDigest)
	if !ok {
		return Week{}, Figures{}, false
	}
	w, err := ParseWeek(m.Key)
	if err != nil {
		return Week{}, Figures{}, false
	}
	f, err := DecodeFigures(m.Data)
	if err != nil {
		return Week{}, Figures{}, false
	}
	return w, f, true
}

// LoginKey is the marker key for a mentee: the login in lower case, because
// GitHub compares logins case-insensitively and a roster entry may change its
// spelling.
func LoginKey(login string) string { return markers.LoginKey(login) }
