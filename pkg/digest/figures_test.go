package digest

import (
	"testing"
)

func TestFigures(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		want    Figures
		wantErr bool
	}{
		{name: "the product's example", in: "opened=2 merged=1 reviews=3", want: Figures{Opened: 2, Merged: 1, Reviews: 3}},
		{name: "all keys", in: "opened=1 merged=2 closed=3 open=4 reviews=5 issues=6 commented=7 tasks=8",
			want: Figures{1, 2, 3, 4, 5, 6, 7, 8}},
		{name: "empty", in: "", want: Figures{}},
		{name: "unknown keys from a newer version", in: "opened=2 stars=9", want: Figures{Opened: 2}},
		{name: "extra spaces", in: "  opened=2   merged=1 ", want: Figures{Opened: 2, Merged: 1}},
		{name: "no equals", in: "opened", wantErr: true},
		{name: "not a number", in: "opened=two", wantErr: true},
		{name: "negative", in: "opened=-1", wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeFigures(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("DecodeFigures(%q) error = %v, wantErr %v", tc.in, err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("DecodeFigures(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestFiguresRoundTrip(t *testing.T) {
	for _, f := range []Figures{{}, {1, 2, 3, 4, 5, 6, 7, 8}, {Reviews: 12}} {
		s := EncodeFigures(f)
		got, err := DecodeFigures(s)
		if err != nil || got != f {
			t.Errorf("round trip of %+v through %q = %+v, %v", f, s, got, err)
		}
	}
	if got, want := EncodeFigures(Figures{Opened: 2, Merged: 1, Reviews: 3}), "opened=2 merged=1 closed=0 open=0 reviews=3 issues=0 commented=0 tasks=0"; got != want {
		t.Errorf("EncodeFigures = %q, want %q", got, want)
	}
}

func TestFromComment(t *testing.T) {
	w := Week{2026, 48}
	digest := Render(Data{Mentee: "alice", Period: Period{Week: w}, Opened: []PR{{Repo: "o/r", Number: 1, Title: "x"}}, Reviews: []Item{{Repo: "o/r", Number: 2}}})
	for _, tc := range []struct {
		name     string
		body     string
		wantOK   bool
		wantWeek Week
		want     Figures
	}{
		{name: "a rendered digest", body: digest, wantOK: true, wantWeek: w, want: Figures{Opened: 1, Reviews: 1}},
		{name: "the product's example", body: "text\n<!-- mentorbot:digest:2026-W48 opened=2 merged=1 reviews=3 -->", wantOK: true, wantWeek: w, want: Figures{Opened: 2, Merged: 1, Reviews: 3}},
		{name: "a marker without figures", body: "<!-- mentorbot:digest:2026-W47 -->", wantOK: true, wantWeek: Week{2026, 47}},
		{name: "a preview is not a digest", body: RenderPreview(Data{Mentee: "alice", Period: Period{Week: w}})},
		{name: "bad week", body: "<!-- mentorbot:digest:2026-W99 opened=1 -->"},
		{name: "bad figures", body: "<!-- mentorbot:digest:2026-W48 opened=x -->"},
		{name: "no marker", body: "hello"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gotWeek, got, ok := FromComment(tc.body)
			if ok != tc.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tc.wantOK)
			}
			if gotWeek != tc.wantWeek || got != tc.want {
				t.Errorf("FromComment = %s %+v, want %s %+v", gotWeek, got, tc.wantWeek, tc.want)
			}
		})
	}
	if !Posted(digest, w) || Posted(digest, w.Next()) {
		t.Error("Posted does not recognise the digest's own week")
	}
}
