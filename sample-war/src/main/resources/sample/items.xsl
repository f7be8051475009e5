<?xml version="1.0" encoding="UTF-8"?>
<!-- The XsltFilter sample: application/xml <items> from ItemsApp rendered as an HTML list. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="html" encoding="UTF-8" indent="no"/>
  <xsl:param name="title" select="'Items'"/>
  <xsl:template match="/items">
    <html><head><title><xsl:value-of select="$title"/></title></head>
      <body><h1><xsl:value-of select="$title"/></h1>
        <ul><xsl:for-each select="item"><li id="item-{@id}"><xsl:value-of select="."/></li></xsl:for-each></ul>
      </body></html>
  </xsl:template>
</xsl:stylesheet>
