package app

// wireMentees adds the mentees jobs.
func (a *App) wireMentees(js *jobSet) {}
