package markers

import "testing"

func TestMarkers(t *testing.T) {
	tests := []struct {
		m    Marker
		want string
	}{
		{Marker{Kind: "welcome"}, "<!-- mentorbot:welcome -->"},
		{Marker{Kind: "digest", Key: "2026-W48"}, "<!-- mentorbot:digest:2026-W48 -->"},
		{Marker{Kind: "digest", Key: "2026-W48", Data: "opened=2 merged=1"}, "<!-- mentorbot:digest:2026-W48 opened=2 merged=1 -->"},
		// Data can never close the HTML comment early or span lines.
		{Marker{Kind: "x", Key: "k", Data: "a ---> b\nc"}, "<!-- mentorbot:x:k a - - - b c -->"},
	}
	for _, tc := range tests {
		got := tc.m.String()
		if got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.m, got, tc.want)
			continue
		}
		parsed := Parse("before\n" + got + "\nafter")
		if len(parsed) != 1 || parsed[0].Kind != tc.m.Kind || parsed[0].Key != tc.m.Key {
			t.Errorf("Parse(%q) = %+v", got, parsed)
		}
	}
}

func TestFindAndHas(t *testing.T) {
	body := "text\n" + New("review-wait", "2026-11-16T09:05:00Z") + "\n" + New("keepalive", "") + "\n"
	if !Has(body, "review-wait", "2026-11-16T09:05:00Z") || Has(body, "review-wait", "other") || Has(body, "welcome", "") {
		t.Errorf("Has is wrong on %q", body)
	}
	if m, ok := Find(body, "keepalive"); !ok || m.Key != "" {
		t.Errorf("Find keepalive = %+v, %v", m, ok)
	}
	if _, ok := Find("<!-- mentorbot -->", "welcome"); ok {
		t.Error("a malformed marker was found")
	}
}
