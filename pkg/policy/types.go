package policy

import (
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Date is a calendar day without a time zone, written YYYY-MM-DD.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, nil
}

// IsZero reports whether the date was not set.
func (d Date) IsZero() bool { return d.Year == 0 && d.Month == 0 && d.Day == 0 }

// Before reports whether d is an earlier day than o.
func (d Date) Before(o Date) bool {
	if d.Year != o.Year {
		return d.Year < o.Year
	}
	if d.Month != o.Month {
		return d.Month < o.Month
	}
	return d.Day < o.Day
}

// In returns the first instant of the day in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Long writes the date as the bot's texts do: "Monday 30 November 2026".
func (d Date) Long() string { return d.In(time.UTC).Format("Monday 2 January 2006") }

// String writes YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// UnmarshalYAML accepts YYYY-MM-DD.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("date must be YYYY-MM-DD: %w", err)
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalYAML writes YYYY-MM-DD.
func (d Date) MarshalYAML() (any, error) { return d.String(), nil }

// Duration is a time.Duration written as Go writes it ("72h", "30m").
type Duration time.Duration

// ParseDuration parses a Go duration string ("72h", "30m", "1h30m") that is
// not negative.
func ParseDuration(s string) (Duration, error) {
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration %q is not valid (use e.g. 72h or 30m)", s)
	}
	if v < 0 {
		return 0, fmt.Errorf("duration %q must not be negative", s)
	}
	return Duration(v), nil
}

// UnmarshalYAML accepts Go duration strings.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("duration must be a string like 72h: %w", err)
	}
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// String writes the duration as Go does, without the zero minutes and
// seconds Go adds: "72h", "1h30m", "30m".
func (d Duration) String() string {
	s := time.Duration(d).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// MarshalYAML writes the Go form.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Weekday is a day name such as "monday".
type Weekday time.Weekday

// ParseWeekday parses an English day name in any case ("monday", "Friday").
func ParseWeekday(s string) (Weekday, error) {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.EqualFold(d.String(), s) {
			return Weekday(d), nil
		}
	}
	return 0, fmt.Errorf("weekday %q is not a day name (monday..sunday)", s)
}

// UnmarshalYAML accepts English day names in any case.
func (w *Weekday) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("weekday must be a day name: %w", err)
	}
	v, err := ParseWeekday(s)
	if err != nil {
		return err
	}
	*w = v
	return nil
}

// String is the lowercase day name, as written in the policy.
func (w Weekday) String() string { return strings.ToLower(time.Weekday(w).String()) }

// MarshalYAML writes the lowercase name.
func (w Weekday) MarshalYAML() (any, error) { return w.String(), nil }

// W returns the time.Weekday.
func (w Weekday) W() time.Weekday { return time.Weekday(w) }
