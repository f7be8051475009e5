package dev.gatewaybridge.cgi;

/** Every {@link CgiApplicationTest} again, with programs started by ProcessBuilder ({@code cgi.spawner=jdk}). */
class CgiApplicationJdkSpawnerTest extends CgiApplicationTest {

    @Override
    String spawner() {
        return "jdk";
    }
}
