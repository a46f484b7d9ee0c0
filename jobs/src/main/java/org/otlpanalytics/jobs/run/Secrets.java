package org.otlpanalytics.jobs.run;

import java.util.regex.Pattern;

/** Masks passwords in the URLs a command prints (JDBC query parameters, {@code user:password@host}). */
public final class Secrets {
    private static final Pattern QUERY_SECRET =
            Pattern.compile("(?i)([?&;](?:password|passwd|pwd|secret|token|sslpassword)=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:]+:)[^/@]*@");

    private Secrets() {}

    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        String s = QUERY_SECRET.matcher(url).replaceAll("$1****");
        return USER_INFO.matcher(s).replaceAll("$1****@");
    }
}
