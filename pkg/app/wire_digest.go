package app

// wireDigest adds the digest jobs.
func (a *App) wireDigest(js *jobSet) {}
