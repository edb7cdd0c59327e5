import java.lang.reflect.Method;

/**
 * mend27b (session 27): prints {@code MessageValues.values} / {@code valuesReference} and {@code AlertLines.isAlert}
 * for lines with a non-ASCII letter glued to the words their regexes' word boundaries look at. Run it with two JVMs
 * and diff: {@code JAVA/bin/java -cp memctl.jar benchmarks/jobs/Mend27bBoundaryCheck.java > OUT} (Java 17 and JDK
 * 19+, e.g. Temurin 25): a build whose boundaries are Java 17's prints the same on both.
 */
public class Mend27bBoundaryCheck {
    public static void main(String[] a) throws Exception {
        Class<?> mv = Class.forName("dev.keymem.jobs.logs.mining.MessageValues");
        Method values = mv.getDeclaredMethod("values", String.class);
        Method reference = mv.getDeclaredMethod("valuesReference", String.class);
        values.setAccessible(true);
        reference.setAccessible(true);
        Class<?> al = Class.forName("dev.keymem.jobs.logs.mining.AlertLines");
        Method alert = al.getMethod("isAlert", String.class);
        String[] lines = {
            "éProcessing by UsersController#show as JSON", "Processing by UsersController#show as JSON",
            "ŞStarted OrdersApplication in 7.3 seconds", "x changed from demand start to auto start.",
            "Service xéchanged from demand start to auto start.", "条Resolved [org.x.FooException: boom]",
            "éthrew exception [boom] with root cause", "The following 2 éprofiles are active: \"a\", \"b\"",
            "DETAIL: éKey (email)=(a@b.c) already exists", "éCommand line: '/usr/sbin/httpd'",
            "signal 15 (SIGTERM) éreceived from 2250, exiting", "group g éin Stable state", "group g in Stable stateé",
            "ssh2: ED25519 éSHA256:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ", "Killed éprocess 4242 (java)",
            "éCreated container web", "éScaled up replica set web-1 to 3", "éUnresolved reference: foo",
            "éUsing worker: sync", "éForbidden (CSRF token missing.): /x", "Task t[1] ésucceeded in 0.2s: None",
            "éUndefined variable $x", "\uD835\uDC00Processing by A#b as c", "é\u0301Processing by A#b as c"};
        for (String line : lines) {
            System.out.println(line + "\t->\t" + values.invoke(null, line) + "\t|ref\t" + reference.invoke(null, line));
        }
        String[] alerts = {"éerror here", "erroré here", "a timeoutŞ", "条failed", "xIOExceptioné", "IOExceptionß",
            "error", "an IOException", "Şwarning", "okayé"};
        for (String line : alerts) {
            System.out.println("alert " + line + "\t" + alert.invoke(null, line));
        }
    }
}
