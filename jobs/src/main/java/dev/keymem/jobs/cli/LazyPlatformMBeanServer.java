package dev.keymem.jobs.cli;

import java.io.ObjectInputStream;
import java.lang.management.ManagementFactory;
import java.util.Set;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.IntrospectionException;
import javax.management.InvalidAttributeValueException;
import javax.management.ListenerNotFoundException;
import javax.management.MBeanException;
import javax.management.MBeanInfo;
import javax.management.MBeanRegistrationException;
import javax.management.MBeanServer;
import javax.management.NotCompliantMBeanException;
import javax.management.NotificationFilter;
import javax.management.NotificationListener;
import javax.management.ObjectInstance;
import javax.management.ObjectName;
import javax.management.OperationsException;
import javax.management.QueryExp;
import javax.management.ReflectionException;
import javax.management.loading.ClassLoaderRepository;

import org.apache.flink.annotation.Internal;

/**
 * The JVM's platform MBean server, made when first used: every method asks {@link
 * ManagementFactory#getPlatformMBeanServer()} (which makes the server at its first call, registering the
 * platform's MXBeans, and returns the same server after) and does the same there. memctl.jar's Flink process
 * metrics get this one instead of the platform server itself ({@link JarRewrite}): Flink's JVM memory metrics
 * take the server when a cluster starts, only to read the buffer pools' attributes when a gauge is read, and
 * making it costs ~50-65 ms of CPU at the start of every file run, where no reporter or REST endpoint ever reads
 * those gauges. A run that reads them (a metric reporter, Kafka runs' REST API) gets the platform server's
 * answers, from the same server as any other caller.
 */
@Internal
public final class LazyPlatformMBeanServer implements MBeanServer {
    private static final LazyPlatformMBeanServer INSTANCE = new LazyPlatformMBeanServer();

    private LazyPlatformMBeanServer() {
    }

    /** What memctl.jar's Flink metrics call instead of {@link ManagementFactory#getPlatformMBeanServer()}. */
    public static MBeanServer platform() {
        return INSTANCE;
    }

    /** The platform MBean server, made now where it is not yet. */
    private static MBeanServer platformServer() {
        return ManagementFactory.getPlatformMBeanServer();
    }

    @Override
    public ObjectInstance createMBean(String a, ObjectName b) throws ReflectionException, InstanceAlreadyExistsException, MBeanRegistrationException, MBeanException, NotCompliantMBeanException {
        return platformServer().createMBean(a, b);
    }

    @Override
    public ObjectInstance createMBean(String a, ObjectName b, ObjectName c) throws ReflectionException, InstanceAlreadyExistsException, MBeanRegistrationException, MBeanException, NotCompliantMBeanException, InstanceNotFoundException {
        return platformServer().createMBean(a, b, c);
    }

    @Override
    public ObjectInstance createMBean(String a, ObjectName b, Object[] c, String[] d) throws ReflectionException, InstanceAlreadyExistsException, MBeanRegistrationException, MBeanException, NotCompliantMBeanException {
        return platformServer().createMBean(a, b, c, d);
    }

    @Override
    public ObjectInstance createMBean(String a, ObjectName b, ObjectName c, Object[] d, String[] e) throws ReflectionException, InstanceAlreadyExistsException, MBeanRegistrationException, MBeanException, NotCompliantMBeanException, InstanceNotFoundException {
        return platformServer().createMBean(a, b, c, d, e);
    }

    @Override
    public ObjectInstance registerMBean(Object a, ObjectName b) throws InstanceAlreadyExistsException, MBeanRegistrationException, NotCompliantMBeanException {
        return platformServer().registerMBean(a, b);
    }

    @Override
    public void unregisterMBean(ObjectName a) throws InstanceNotFoundException, MBeanRegistrationException {
        platformServer().unregisterMBean(a);
    }

    @Override
    public ObjectInstance getObjectInstance(ObjectName a) throws InstanceNotFoundException {
        return platformServer().getObjectInstance(a);
    }

    @Override
    public Set<ObjectInstance> queryMBeans(ObjectName a, QueryExp b) {
        return platformServer().queryMBeans(a, b);
    }

    @Override
    public Set<ObjectName> queryNames(ObjectName a, QueryExp b) {
        return platformServer().queryNames(a, b);
    }

    @Override
    public boolean isRegistered(ObjectName a) {
        return platformServer().isRegistered(a);
    }

    @Override
    public Integer getMBeanCount() {
        return platformServer().getMBeanCount();
    }

    @Override
    public Object getAttribute(ObjectName a, String b) throws MBeanException, AttributeNotFoundException, InstanceNotFoundException, ReflectionException {
        return platformServer().getAttribute(a, b);
    }

    @Override
    public AttributeList getAttributes(ObjectName a, String[] b) throws InstanceNotFoundException, ReflectionException {
        return platformServer().getAttributes(a, b);
    }

    @Override
    public void setAttribute(ObjectName a, Attribute b) throws InstanceNotFoundException, AttributeNotFoundException, InvalidAttributeValueException, MBeanException, ReflectionException {
        platformServer().setAttribute(a, b);
    }

    @Override
    public AttributeList setAttributes(ObjectName a, AttributeList b) throws InstanceNotFoundException, ReflectionException {
        return platformServer().setAttributes(a, b);
    }

    @Override
    public Object invoke(ObjectName a, String b, Object[] c, String[] d) throws InstanceNotFoundException, MBeanException, ReflectionException {
        return platformServer().invoke(a, b, c, d);
    }

    @Override
    public String getDefaultDomain() {
        return platformServer().getDefaultDomain();
    }

    @Override
    public String[] getDomains() {
        return platformServer().getDomains();
    }

    @Override
    public void addNotificationListener(ObjectName a, NotificationListener b, NotificationFilter c, Object d) throws InstanceNotFoundException {
        platformServer().addNotificationListener(a, b, c, d);
    }

    @Override
    public void addNotificationListener(ObjectName a, ObjectName b, NotificationFilter c, Object d) throws InstanceNotFoundException {
        platformServer().addNotificationListener(a, b, c, d);
    }

    @Override
    public void removeNotificationListener(ObjectName a, ObjectName b) throws InstanceNotFoundException, ListenerNotFoundException {
        platformServer().removeNotificationListener(a, b);
    }

    @Override
    public void removeNotificationListener(ObjectName a, ObjectName b, NotificationFilter c, Object d) throws InstanceNotFoundException, ListenerNotFoundException {
        platformServer().removeNotificationListener(a, b, c, d);
    }

    @Override
    public void removeNotificationListener(ObjectName a, NotificationListener b) throws InstanceNotFoundException, ListenerNotFoundException {
        platformServer().removeNotificationListener(a, b);
    }

    @Override
    public void removeNotificationListener(ObjectName a, NotificationListener b, NotificationFilter c, Object d) throws InstanceNotFoundException, ListenerNotFoundException {
        platformServer().removeNotificationListener(a, b, c, d);
    }

    @Override
    public MBeanInfo getMBeanInfo(ObjectName a) throws InstanceNotFoundException, IntrospectionException, ReflectionException {
        return platformServer().getMBeanInfo(a);
    }

    @Override
    public boolean isInstanceOf(ObjectName a, String b) throws InstanceNotFoundException {
        return platformServer().isInstanceOf(a, b);
    }

    @Override
    public Object instantiate(String a) throws ReflectionException, MBeanException {
        return platformServer().instantiate(a);
    }

    @Override
    public Object instantiate(String a, ObjectName b) throws ReflectionException, MBeanException, InstanceNotFoundException {
        return platformServer().instantiate(a, b);
    }

    @Override
    public Object instantiate(String a, Object[] b, String[] c) throws ReflectionException, MBeanException {
        return platformServer().instantiate(a, b, c);
    }

    @Override
    public Object instantiate(String a, ObjectName b, Object[] c, String[] d) throws ReflectionException, MBeanException, InstanceNotFoundException {
        return platformServer().instantiate(a, b, c, d);
    }

    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public ObjectInputStream deserialize(ObjectName a, byte[] b) throws InstanceNotFoundException, OperationsException {
        return platformServer().deserialize(a, b);
    }

    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public ObjectInputStream deserialize(String a, byte[] b) throws OperationsException, ReflectionException {
        return platformServer().deserialize(a, b);
    }

    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public ObjectInputStream deserialize(String a, ObjectName b, byte[] c) throws InstanceNotFoundException, OperationsException, ReflectionException {
        return platformServer().deserialize(a, b, c);
    }

    @Override
    public ClassLoader getClassLoaderFor(ObjectName a) throws InstanceNotFoundException {
        return platformServer().getClassLoaderFor(a);
    }

    @Override
    public ClassLoader getClassLoader(ObjectName a) throws InstanceNotFoundException {
        return platformServer().getClassLoader(a);
    }

    @Override
    public ClassLoaderRepository getClassLoaderRepository() {
        return platformServer().getClassLoaderRepository();
    }
}
