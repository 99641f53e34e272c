package policy

import (
	"fmt"
	"reflect"
	"strings"
)

// docs describes every key of mentorbot.yml, keyed by its path as in
// Problem.Path with list items written "[]". TestDocsCoverEveryKey fails when
// a field has no entry here, or an entry has no field, so that Reference,
// and the README section generated from it, cannot drift from the schema.
var docs = map[string]string{
	"version": "Schema version. Only `1` exists; a file for a newer schema is refused rather than misread.",

	"program.name":             "Name of the programme term, e.g. `LFX Mentorship 2026 Term 3`; used in issue titles and digests.",
	"program.contributing_url": "Contributing guide linked from welcomes and onboarding. Empty means the repository's CONTRIBUTING.md, then the org `.github` repository's.",
	"program.channels":         "Where mentees should ask in public, e.g. `#thanos-dev on CNCF Slack`. Quote it: an unquoted `#` starts a YAML comment.",
	"program.tracking_repo":    "`owner/repo` where the bot opens tracking issues for mentees without one, and the learnings and meetup issues.",
	"program.onboarding":       "Go text/template replacing the built-in onboarding checklist posted on a new mentee's tracking issue. Empty means the built-in checklist.",

	"mentees":                  "The roster. An entry with a problem is skipped (and reported); the others still apply.",
	"mentees[].login":          "The mentee's GitHub login (required; compared case-insensitively; no `@`).",
	"mentees[].tracking_issue": "The mentee's tracking issue, `owner/repo#N`. Empty means the bot opens one in `program.tracking_repo`.",
	"mentees[].mentors":        "GitHub logins of the mentee's mentors: they may use `/mentee-task` and are pinged when a PR waits twice `reviews.wait`.",
	"mentees[].start":          "First day of the term, `YYYY-MM-DD`, inclusive. Empty means already started.",
	"mentees[].end":            "Last day of the term, `YYYY-MM-DD`, inclusive. Empty means open-ended.",

	"labels.mentee_pr":   "Label added to PRs by active mentees and to PRs closing mentee tasks (at most 50 characters).",
	"labels.mentee_task": "Label that marks an issue as a mentee task (at most 50 characters).",

	"welcome.enabled": "Welcome first-time contributors on their first PR.",
	"welcome.issues":  "Also welcome the authors of first issues.",
	"welcome.scope":   "Where an earlier contribution counts: `repo` or `org`.",
	"welcome.message": "Go text/template replacing the built-in welcome. Empty means the built-in text.",

	"reviews.scope":             "Which PRs are watched for a review wait: `mentees` (mentee PRs) or `all` (also PRs by first-time contributors).",
	"reviews.wait":              "How long a PR may wait for a human, non-author response before reviewers are suggested (Go duration: `72h`, `30m`). After twice this, the mentors are pinged.",
	"reviews.business_days":     "Count only Monday to Friday in `reviews.timezone`.",
	"reviews.timezone":          "IANA time zone for business days, e.g. `UTC`, `Europe/Warsaw`.",
	"reviews.max_suggestions":   "Most reviewers suggested in one comment.",
	"reviews.reviewers":         "Extra pool of willing reviewers (logins), used after CODEOWNERS, MAINTAINERS.md and recent authors of the touched paths.",
	"reviews.exclude":           "Logins never suggested (`name[bot]` accepted).",
	"reviews.max_open_requests": "Skip anyone with more open review requests than this in the org.",
	"reviews.keepalive_label":   "When set (e.g. `keepalive`), put on a mentee PR once it has waited longer than `reviews.wait` for reviewers, to shield it from stale bots, and removed when the wait ends (only when the bot put it there).",
	"reviews.request_review":    "Also request the suggested reviewers' review through the API.",
	"reviews.exempt_labels":     "PRs carrying any of these labels are never reminded.",
	"reviews.bots":              "Machine users without `[bot]` in their login (e.g. a benchmark bot): their comments and reviews do not answer a PR, and they are never suggested.",
	"reviews.approved_wait":     "When set (Go duration, e.g. `72h`), an approved mentee PR still not merged after this long gets one comment asking the mentors (or else the pool or the general maintainers) to merge it or give the approval it still needs. `0s` (default) turns it off.",
	"reviews.inactive_after":    "People with no commit (merge commits included) in the repository for this long are never suggested as reviewers (Go duration; default `4392h`, about 6 months; `0s` drops nobody).",

	"retrospective.collect_after": "How long after the last `end` the retrospectives are rolled up into the learnings issue (Go duration).",
	"retrospective.collect_until": "How long after the roll-up started it keeps reading the tracking issues for late retrospectives (Go duration); closing the learnings issue stops it earlier. Afterwards a sweep makes no request for the programme.",
	"retrospective.authors":       "Logins, besides each mentee and their mentors, whose comments on a tracking issue count as the retrospective.",

	"meetup.enabled":          "Organise a Mentees Meetup: open the planning issue and ask mentees whether they will present.",
	"meetup.weeks_before_end": "How many weeks before the last `end` the planning issue is opened.",

	"dashboard.enabled": "Keep one `Mentorship dashboard: <program>` issue in `program.tracking_repo`, edited in place when its figures change. Needs `program.name` and `program.tracking_repo`.",

	"digest.weekday":  "Day of the weekly digest, `monday` to `sunday`.",
	"digest.hour":     "Hour of the weekly digest, 0 to 23, in `digest.timezone`.",
	"digest.timezone": "IANA time zone of the digest schedule.",
	"digest.scope":    "Where mentee activity is counted: `org` (every repository the app sees) or `public` (public repositories only).",
}

// refRow is one key of the reference.
type refRow struct {
	path, typ, def string
}

// keys lists every key of the schema in file order, with its type and the
// default from Default().
func keys() []refRow { return keysOf(Default()) }

// keysOf lists every key of the schema in file order, with its type and its
// value in p.
func keysOf(p Policy) []refRow {
	var rows []refRow
	var walk func(t reflect.Type, v reflect.Value, prefix string)
	walk = func(t reflect.Type, v reflect.Value, prefix string) {
		for f := range yamlFields(t) {
			path := join(prefix, f.name)
			var fv reflect.Value
			if v.IsValid() {
				fv = v.FieldByIndex(f.Index)
			}
			switch {
			case f.Type.Kind() == reflect.Struct && !isLeaf(f.Type):
				walk(f.Type, fv, path)
			case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
				rows = append(rows, refRow{path, "list of entries", "`[]`"})
				walk(f.Type.Elem(), reflect.Value{}, path+"[]")
			default:
				rows = append(rows, refRow{path, typeName(f.Type), defaultText(fv)})
			}
		}
	}
	walk(reflect.TypeFor[Policy](), reflect.ValueOf(p), "")
	return rows
}

func isLeaf(t reflect.Type) bool { return t == dateType }

func typeName(t reflect.Type) string {
	switch t {
	case dateType:
		return "date"
	case durationType:
		return "duration"
	case weekdayType:
		return "weekday"
	}
	switch t.Kind() {
	case reflect.Slice:
		return "list of " + typeName(t.Elem()) + "s"
	case reflect.Int:
		return "integer"
	case reflect.Bool:
		return "boolean"
	}
	return t.Kind().String()
}

func defaultText(v reflect.Value) string {
	if !v.IsValid() {
		return "" // inside a list entry: no default
	}
	switch x := v.Interface().(type) {
	case string:
		if x == "" {
			return "`\"\"`"
		}
		return "`" + x + "`"
	case []string:
		if len(x) == 0 {
			return "`[]`"
		}
		return "`[" + strings.Join(x, ", ") + "]`"
	case fmt.Stringer:
		return "`" + x.String() + "`"
	}
	return fmt.Sprintf("`%v`", v.Interface())
}

// Reference renders the policy reference as a Markdown table: every key of
// mentorbot.yml, its type, its default and what it does. README.md's policy
// reference is this output, so the schema, the defaults and the docs are
// written once.
func Reference() string {
	var b strings.Builder
	b.WriteString("| key | type | default | description |\n")
	b.WriteString("|---|---|---|---|\n")
	for _, r := range keys() {
		doc := strings.ReplaceAll(docs[r.path], "|", `\|`)
		def := r.def
		if def == "" {
			def = "—"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", r.path, r.typ, def, doc)
	}
	return b.String()
}
