import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;

import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.cloud.ZkTestServer;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Starts Apache Solr from the jars of solr-test-framework (no Solr distribution
 * needed), on 127.0.0.1, until the process is stopped (SIGTERM stops Jetty cleanly).
 *
 *   SolrLauncher node HOME PORT
 *       one node, Solr home HOME (solr.xml + cores), http://127.0.0.1:PORT/solr
 *   SolrLauncher cloud BASEDIR PORT NODES ZKPORT
 *       SolrCloud: ZooKeeper on 127.0.0.1:ZKPORT (chroot /solr) and NODES Solr nodes
 *       in this JVM, the first on PORT, the others on free ports. No collection:
 *       scripts/solr.sh uploads the configset and creates it as a site does
 *       (SolrCLI upconfig, then the Collections API).
 */
public class SolrLauncher {
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: SolrLauncher node HOME PORT | cloud BASEDIR PORT NODES ZKPORT");
      System.exit(2);
    }
    String mode = args[0];
    Path dir = Paths.get(args[1]).toAbsolutePath();
    int port = Integer.parseInt(args[2]);
    CountDownLatch stopped = new CountDownLatch(1);

    if (mode.equals("node")) {
      JettyConfig config = JettyConfig.builder().setPort(port).setContext("/solr")
          .stopAtShutdown(true).build();
      JettySolrRunner jetty = new JettySolrRunner(dir.toString(), config);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try { jetty.stop(); } catch (Exception e) { e.printStackTrace(); }
        stopped.countDown();
      }));
      jetty.start();
      System.out.println("SOLR READY " + jetty.getBaseUrl());
    } else if (mode.equals("cloud")) {
      int nodes = Integer.parseInt(args[3]);
      int zkPort = Integer.parseInt(args[4]);
      Files.createDirectories(dir);
      // our own ZooKeeper on a known port (the cluster's own would take a free one),
      // so that zkHost is 127.0.0.1:ZKPORT/solr for SolrCLI and for people
      ZkTestServer zk = new ZkTestServer(dir.resolve("zookeeper"), zkPort);
      zk.run(true);
      // the first node takes PORT; the builder's port applies to every node the
      // constructor starts, so start one there and add the rest on free ports
      JettyConfig first = JettyConfig.builder().setPort(port).setContext("/solr")
          .stopAtShutdown(true).build();
      MiniSolrCloudCluster cluster = new MiniSolrCloudCluster(
          1, dir, MiniSolrCloudCluster.DEFAULT_CLOUD_SOLR_XML, first, zk, false);
      for (int i = 1; i < nodes; i++) {
        cluster.startJettySolrRunner("node" + (i + 1), "/solr",
            JettyConfig.builder().setPort(0).setContext("/solr").stopAtShutdown(true).build());
      }
      cluster.waitForAllNodes(120);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try { cluster.shutdown(); } catch (Exception e) { e.printStackTrace(); }
        try { zk.shutdown(); } catch (Exception e) { e.printStackTrace(); }
        stopped.countDown();
      }));
      StringBuilder urls = new StringBuilder();
      for (JettySolrRunner jetty : cluster.getJettySolrRunners()) {
        urls.append(' ').append(jetty.getBaseUrl());
      }
      System.out.println("SOLR READY cloud zkHost " + zk.getZkAddress() + " nodes" + urls);
    } else {
      System.err.println("unknown mode " + mode);
      System.exit(2);
    }
    stopped.await();
  }
}
