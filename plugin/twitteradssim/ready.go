package twitteradssim

// Ready is the line the simulator's binary (plugin/cmd/twitter-ads-sim)
// prints on stdout once it listens, one JSON object: where it serves and
// the demo credentials. Programs that start the binary decode it.
type Ready struct {
	URL            string `json:"url"`
	DownloadURL    string `json:"download_url"`
	ConsumerKey    string `json:"consumer_key"`
	ConsumerSecret string `json:"consumer_secret"`
	AccessToken    string `json:"access_token"`
	TokenSecret    string `json:"token_secret"`
	AccountID      string `json:"account_id"`
}

// Ready returns the server's ready line.
func (s *Server) Ready() Ready {
	return Ready{
		URL: s.URL, DownloadURL: s.DownloadURL,
		ConsumerKey: s.Credentials.ConsumerKey, ConsumerSecret: s.Credentials.ConsumerSecret,
		AccessToken: s.Credentials.AccessToken, TokenSecret: s.Credentials.TokenSecret,
		AccountID: s.AccountID,
	}
}
