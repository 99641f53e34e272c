package learnings

import (
	"strconv"
	"strings"

	"github.com/thanos-community/mentorbot/pkg/commands"
	"github.com/thanos-community/mentorbot/pkg/mdsafe"
)

// link writes "[text](url)" when url is safe, else text.
func link(text, url string) string {
	if safeURL(url) {
		return "[" + text + "](" + url + ")"
	}
	return text
}

// PresentReply confirms a talk on the agenda. position is its 1-based place
// among the mentees' talks; ticked says this talk ticked the first step
// (two mentees are now interested).
func PresentReply(login, title, planningURL string, position int, ticked bool, commentID int64) string {
	var b strings.Builder
	b.WriteString(commands.ReplyMarker(commentID) + "\n")
	b.WriteString("Thanks " + mdsafe.Mention(login) + "! Your talk **" + mdsafe.Text(oneLine(title)) + "** is number " +
		strconv.Itoa(position) + " on the agenda of " + link("the Mentees Meetup", planningURL) + ".")
	if ticked {
		b.WriteString(" Two mentees have signed up now, so I ticked the first step of the plan: the meetup can go ahead.")
	}
	b.WriteString("\n\nYour mentors can help you with a short description and an outline for 15–20 minutes plus 5 minutes of Q&A. " +
		"To change the title, comment `/meetup present <new title>`; `/meetup withdraw` takes the talk off.\n")
	return b.String()
}

// WithdrawReply confirms a withdrawal; removed is false when the mentee had
// no talk on the agenda.
func WithdrawReply(login, planningURL string, removed bool, commentID int64) string {
	var b strings.Builder
	b.WriteString(commands.ReplyMarker(commentID) + "\n")
	if removed {
		b.WriteString("Thanks " + mdsafe.Mention(login) + ", I took your talk off the agenda of " + link("the Mentees Meetup", planningURL) +
			". If you change your mind, `/meetup present <title>` puts it back.\n")
		return b.String()
	}
	b.WriteString("Hi " + mdsafe.Mention(login) + ", you had no talk on the agenda of " + link("the Mentees Meetup", planningURL) +
		", so there was nothing to withdraw.\n")
	return b.String()
}

// NoMeetupReply answers a mentee's /meetup command when no meetup is being
// planned (meetup.enabled is off, or the planning issue is not open yet).
func NoMeetupReply(login string, enabled bool, commentID int64) string {
	var b strings.Builder
	b.WriteString(commands.ReplyMarker(commentID) + "\n")
	b.WriteString("Hi " + mdsafe.Mention(login) + ", thanks for your interest! ")
	if enabled {
		b.WriteString("The Mentees Meetup planning issue is not open yet: mentorbot opens it a few weeks before the end of the term " +
			"and asks every mentee then. Please try again once it is open.\n")
	} else {
		b.WriteString("This programme is not planning a Mentees Meetup with mentorbot. Please ask your mentors if you would like to present.\n")
	}
	return b.String()
}
