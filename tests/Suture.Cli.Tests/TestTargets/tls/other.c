__thread int other_tls = 2000;
